package tables

import "github.com/trainstatus/trainstatus/pkg/ddb"

// IndexByEmail is the user table's sparse GSI: users with an email, keyed by it.
const IndexByEmail = "by_email"

// AttrEmail is the user table's email attribute (user_id and timestamp are shared names).
const AttrEmail = "email"

// UserItem is one user, recorded by the Cognito PostConfirmation trigger.
type UserItem struct {
	UserID string `dynamodbav:"user_id" json:"user_id"`
	// Email is lower-cased; absent for users without one, which keeps them out of by_email.
	Email string `dynamodbav:"email,omitempty" json:"email,omitempty"`
	// Timestamp is the first login: the first confirmed sign-up, in ddb.TimeLayout.
	Timestamp string `dynamodbav:"timestamp" json:"timestamp"`
}

// UserSchema is the user table's definition.
var UserSchema = ddb.MustSchema[UserItem](ddb.Definition{
	PartitionKey: AttrUserID,
	GSIs: []ddb.GSI{
		{Name: IndexByEmail, PartitionKey: AttrEmail, Projection: ddb.ProjectKeysOnly},
	},
})

// EnvUserTable names the environment variable that holds the user table's name.
const EnvUserTable = "USER_TABLE_NAME"
