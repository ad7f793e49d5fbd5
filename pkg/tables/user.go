package tables

import "github.com/trainstatus/trainstatus/pkg/ddb"

// IndexByEmail is the user table's sparse GSI: users with an email, keyed by it.
const IndexByEmail = "by_email"

// Attribute names of the user table (user_id and timestamp are shared names).
const (
	AttrEmail              = "email"
	AttrEmailNotifications = "email_notifications"
)

// UserItem is one user, recorded by user-signup when Cognito confirms them (and, should that
// write have failed, at their first sign-in).
type UserItem struct {
	UserID string `dynamodbav:"user_id"`
	// Email is lower-cased; absent for users without one, which keeps them out of by_email.
	Email string `dynamodbav:"email,omitempty"`
	// Timestamp is the first login: the first confirmed sign-up, in job.TimeLayout.
	Timestamp string `dynamodbav:"timestamp"`
	// EmailNotifications is the user's choice to be e-mailed when a job ends; absent means yes.
	EmailNotifications *bool `dynamodbav:"email_notifications,omitempty"`
	// TokenCount is how many reporting tokens the user holds (see AttrTokenCount).
	TokenCount int64 `dynamodbav:"token_count,omitempty"`
}

// WantsEmail reports whether the user wants an email when a job ends (the default).
func (u UserItem) WantsEmail() bool { return u.EmailNotifications == nil || *u.EmailNotifications }

// UserSchema is the user table's definition.
var UserSchema = ddb.MustSchema[UserItem](ddb.Definition{
	PartitionKey: AttrUserID,
	GSIs: []ddb.GSI{
		{Name: IndexByEmail, PartitionKey: AttrEmail, Projection: ddb.ProjectKeysOnly},
	},
})
