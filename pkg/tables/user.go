package tables

import "github.com/trainstatus/trainstatus/pkg/ddb"

// IndexByEmail is the user table's sparse GSI: users with an email, keyed by it.
const IndexByEmail = "by_email"

// Attribute names of the user table (user_id and timestamp are shared names).
const (
	AttrEmail              = "email"
	AttrEmailNotifications = "email_notifications"
	AttrAlertRoutes        = "alert_routes"
	AttrSlackURL           = "slack_url"
	AttrWebhookURL         = "webhook_url"
	AttrWebhookSecret      = "webhook_secret"
	AttrSlackGone          = "slack_gone"
	AttrWebhookGone        = "webhook_gone"
	AttrSlackBrokenAt      = "slack_broken_at"
	AttrWebhookBrokenAt    = "webhook_broken_at"
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

	// The alert settings (issue 22; pkg/alerts says what they mean). AlertRoutes maps a trigger
	// word to the channel words it goes to; absent means today's behaviour: every trigger by
	// email (as EmailNotifications allows).
	AlertRoutes map[string][]string `dynamodbav:"alert_routes,omitempty"`
	// SlackURL is the user's Slack incoming webhook; WebhookURL and WebhookSecret their signed
	// webhook (the secret is shown to the user once, when made).
	SlackURL      string `dynamodbav:"slack_url,omitempty"`
	WebhookURL    string `dynamodbav:"webhook_url,omitempty"`
	WebhookSecret string `dynamodbav:"webhook_secret,omitempty"`
	// SlackGone and WebhookGone count the channel's 404/410 answers since its last success; at
	// alerts.GoneLimit the channel is marked broken (SlackBrokenAt, WebhookBrokenAt: when) and no
	// longer used until the user saves it again.
	SlackGone       int    `dynamodbav:"slack_gone,omitempty"`
	WebhookGone     int    `dynamodbav:"webhook_gone,omitempty"`
	SlackBrokenAt   string `dynamodbav:"slack_broken_at,omitempty"`
	WebhookBrokenAt string `dynamodbav:"webhook_broken_at,omitempty"`
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
