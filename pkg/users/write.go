package users

import (
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Write is the one write of a user's record: an UpdateItem (not yet sent) that creates the record
// if it is missing, with first as its timestamp, and otherwise keeps its first timestamp and the
// user's preferences, while the email and whether Cognito verified it always follow p (a user who
// changed their address is mailed at the new one once it is verified, never at an unverified
// one). The caller may add a condition (If) before sending it.
func Write(users *ddb.Table[tables.UserItem], p Profile, first time.Time) *ddb.Update[tables.UserItem] {
	u := users.Update(ddb.Key{Partition: p.Sub}).Upsert().
		SetIfNotExists(tables.AttrTimestamp, job.FormatTime(first))
	if p.Email == "" {
		u = u.Remove(tables.AttrEmail)
	} else {
		u = u.Set(tables.AttrEmail, p.Email)
	}
	if p.EmailVerified {
		return u.Set(tables.AttrEmailVerified, true)
	}
	return u.Remove(tables.AttrEmailVerified)
}
