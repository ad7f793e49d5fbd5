package statusapi

// AlertSettings are the caller's alert settings (GET /me/alerts; PUT answers them too). Routes maps
// a trigger ("succeeded", "failed", "stalled") to the channels it goes to ("email", "slack",
// "webhook"); with no routes saved, every trigger goes by email.
type AlertSettings struct {
	Routes     map[string][]string `json:"routes"`
	SlackURL   string              `json:"slack_url,omitempty"`
	WebhookURL string              `json:"webhook_url,omitempty"`
	// WebhookSecretSet says a webhook secret exists; the secret itself is shown once, in the PUT
	// answer that made it (WebhookSecret).
	WebhookSecretSet bool `json:"webhook_secret_set"`
	// WebhookSecret is present only in the answer of the PUT that made a new secret.
	WebhookSecret string `json:"webhook_secret,omitempty"`
	// Broken lists the channels marked broken after repeated 404/410 answers; saving the channel's
	// URL again (even unchanged) clears it.
	Broken []string `json:"broken,omitempty"`
}

// AlertSettingsUpdate is the body of PUT /me/alerts: what to change (an absent field is kept).
// A URL of "" removes the channel. A webhook URL set for the first time, or
// rotate_webhook_secret, makes a new secret (answered once).
type AlertSettingsUpdate struct {
	Routes              map[string][]string `json:"routes"`
	SlackURL            *string             `json:"slack_url"`
	WebhookURL          *string             `json:"webhook_url"`
	RotateWebhookSecret bool                `json:"rotate_webhook_secret"`
}

// AlertTest is the answer of POST /me/alerts/test: one result per configured Slack or webhook
// channel, each sent a test alert now.
type AlertTest struct {
	Results []AlertTestResult `json:"results"`
}

// AlertTestResult is the fate of one test alert: "sent", "retry" (throttled, 5xx, timeout),
// "gone" (404/410), "refused" (an address that is not allowed, or another answer).
type AlertTestResult struct {
	Channel string `json:"channel"`
	Result  string `json:"result"`
	Detail  string `json:"detail,omitempty"`
}
