package alerts

import "slices"

// GoneLimit is how many 404/410 answers in a row mark a channel broken.
const GoneLimit = 3

// AllowLocalVar is the status-notifier's variable that allows plain http:// and loopback
// addresses (NewClient's allowLocal): set by the local stack for its own receiver, never by infra.
const AllowLocalVar = "ALERTS_ALLOW_LOCAL"

// Settings are a user's alert settings, as the notifier uses them.
type Settings struct {
	// Routes: the channels of each trigger. Nil means DefaultRoutes.
	Routes map[Trigger][]Channel
	// WantsEmail is the user's job-email switch (and a verified address).
	WantsEmail bool
	SlackURL   string
	WebhookURL string
	// WebhookSecret signs webhooks.
	WebhookSecret string
	// Broken channels are not used until the user saves them again.
	Broken map[Channel]bool
}

// DefaultRoutes sends every trigger by email: the behaviour before alert settings existed.
func DefaultRoutes() map[Trigger][]Channel {
	return map[Trigger][]Channel{Succeeded: {Email}, Failed: {Email}, Stalled: {Email}}
}

// ChannelsFor lists the channels an alert of trigger t goes to: those its route names that are
// set up (an address to e-mail, a URL) and not broken, in the order of Channels.
func (s Settings) ChannelsFor(t Trigger) []Channel {
	routes := s.Routes
	if routes == nil {
		routes = DefaultRoutes()
	}
	var out []Channel
	for _, c := range Channels {
		if !slices.Contains(routes[t], c) || s.Broken[c] {
			continue
		}
		switch {
		case c == Email && s.WantsEmail, c == Slack && s.SlackURL != "", c == Webhook && s.WebhookURL != "" && s.WebhookSecret != "":
			out = append(out, c)
		}
	}
	return out
}

// Mark is the delivery mark of an alert on a channel: "<trigger>/<channel>" for an end,
// "stalled/<channel>/<episode>" for a stall.
func Mark(a Alert, c Channel) string {
	m := string(a.Trigger) + "/" + string(c)
	if a.Trigger == Stalled {
		m += "/" + a.Episode
	}
	return m
}
