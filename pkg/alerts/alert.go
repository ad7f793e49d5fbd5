package alerts

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// Alert is one message about one job: what the owner is told, whatever the channel.
type Alert struct {
	Trigger   Trigger
	RequestID string
	// Name is the job's display name ("" when its events gave none: the request id names it).
	Name     string
	Status   job.Status
	Progress *float64
	// Message and Error are the last event's, as sent by the job (cleaned when shown).
	Message, Error string
	// UpdatedAt is when the job was last heard from; FinishedAt when it ended (job.TimeLayout).
	UpdatedAt, FinishedAt string
	// Episode identifies a stall: the updated_at of the silence ("" for an end).
	Episode string
	// Link is the job's page.
	Link string
	// At is when the alert was made.
	At time.Time
}

// JobLink is the job's page under the tracker's base URL: page + /jobs/{request_id}.
func JobLink(page, requestID string) string {
	return strings.TrimSuffix(page, "/") + "/jobs/" + url.PathEscape(requestID)
}

// ID is the alert's identity, the same for every delivery of it: receivers deduplicate by it
// (a crash between a send and its mark may repeat an alert).
func (a Alert) ID() string {
	if a.Trigger == Stalled {
		return a.RequestID + "/" + string(a.Trigger) + "/" + a.Episode
	}
	return a.RequestID + "/" + string(a.Trigger)
}

// Title names the job: its display name, else its request id (cleaned).
func (a Alert) Title() string {
	if n := Clean(a.Name); n != "" {
		return n
	}
	return Clean(a.RequestID)
}

// Headline is the alert in one line: "resnet50 succeeded", "resnet50 failed: CUDA out of
// memory", "resnet50 has not reported for 25 min".
func (a Alert) Headline() string {
	switch a.Trigger {
	case Succeeded:
		return a.Title() + " succeeded"
	case Failed:
		if e := Clean(a.Error); e != "" {
			return a.Title() + " failed: " + cut(e, 120)
		}
		return a.Title() + " failed"
	}
	if silent, ok := a.Silent(); ok {
		return fmt.Sprintf("%s has not reported for %s", a.Title(), HumanDuration(silent))
	}
	return a.Title() + " has stopped reporting"
}

// Silent is how long the job had been silent when the alert was made.
func (a Alert) Silent() (time.Duration, bool) {
	last, err := job.ParseTime(a.UpdatedAt)
	if err != nil || !a.At.After(last) {
		return 0, false
	}
	return a.At.Sub(last), true
}

// HumanDuration writes d the way a person says it: "45 s", "12 min", "2 h 14 min", "3 d 4 h".
func HumanDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%d s", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%d min", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%d h %d min", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%d d %d h", int(d.Hours())/24, int(d.Hours())%24)
}

func cut(s string, max int) string {
	r := []rune(s)
	if len(r) <= max {
		return s
	}
	return string(r[:max-1]) + "…"
}
