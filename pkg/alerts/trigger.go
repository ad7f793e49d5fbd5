package alerts

import "github.com/trainstatus/trainstatus/pkg/job"

// Trigger is what happened to a job that may be alerted.
type Trigger string

// The triggers.
const (
	Succeeded Trigger = "succeeded"
	Failed    Trigger = "failed"
	// Stalled: the job is not final and silent past its stall window (the stall sweep found it).
	Stalled Trigger = "stalled"
)

// Triggers lists every trigger, in the order the settings show them.
var Triggers = []Trigger{Succeeded, Failed, Stalled}

// EndTrigger is the trigger of a job that ended in state s (false for a state that is not final).
func EndTrigger(s job.Status) (Trigger, bool) {
	switch s {
	case job.Success:
		return Succeeded, true
	case job.Failed:
		return Failed, true
	}
	return "", false
}

// Channel is where an alert goes.
type Channel string

// The channels.
const (
	Email   Channel = "email"
	Slack   Channel = "slack"
	Webhook Channel = "webhook"
)

// Channels lists every channel.
var Channels = []Channel{Email, Slack, Webhook}

// ParseTrigger and ParseChannel read the words of the settings.
func ParseTrigger(s string) (Trigger, bool) {
	for _, t := range Triggers {
		if string(t) == s {
			return t, true
		}
	}
	return "", false
}

// ParseChannel reads a channel's word.
func ParseChannel(s string) (Channel, bool) {
	for _, c := range Channels {
		if string(c) == s {
			return c, true
		}
	}
	return "", false
}
