package tokenstore

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// NeedsTouch reports whether a use at now should write last_used_at, given the value the caller
// last saw ("" for never).
func NeedsTouch(lastUsedAt string, now time.Time) bool {
	return lastUsedAt == "" || lastUsedAt < job.FormatTime(now.Add(-TouchInterval))
}

// Touch sets token id's last_used_at to now if it is absent or older than TouchInterval: one
// conditional UpdateItem, a no-op when another instance wrote it meanwhile or the token was
// revoked. (job.TimeLayout strings have a fixed width, so they compare as times.)
func (s *Store) Touch(ctx context.Context, id string, now time.Time) error {
	last := expression.Name(tables.AttrLastUsedAt)
	stale := expression.Or(expression.AttributeNotExists(last), last.LessThan(expression.Value(job.FormatTime(now.Add(-TouchInterval)))))
	err := s.Tokens.Update(tables.TokenKey(id)).Set(tables.AttrLastUsedAt, job.FormatTime(now)).If(stale).Run(ctx)
	if errors.Is(err, ddb.ErrConditionFailed) || errors.Is(err, ddb.ErrNotFound) {
		return nil
	}
	return err
}
