package trainevent

import (
	"fmt"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// Limits of the event format.
const (
	MaxRequestIDLen = 128       // characters (all ASCII)
	MaxMessageLen   = 1 << 10   // bytes
	MaxErrorLen     = 4 << 10   // bytes
	MaxSeq          = 1<<53 - 1 // the largest integer a float64 (and so any JSON parser) keeps exactly
	MaxBodySize     = 64 << 10  // bytes of JSON; a valid event, fully escaped, stays well below
	MaxNameLen      = 200       // bytes of the display name
)

// The bounds of a job's own stall window (stall_after_seconds): a minute, so that a heartbeat
// every few seconds is never needed, to a week, beyond which silence is not worth a sweep's look.
const (
	MinStallAfter = time.Minute
	MaxStallAfter = 7 * 24 * time.Hour
)

// Event is one training event. Build one and call [Event.Validate] (or let the producer do it),
// or get one from [Parse], which returns only valid, normalized events.
type Event struct {
	RequestID string
	UserID    string
	Status    job.Status // canonical: one of job.Statuses
	EventTime time.Time  // UTC, microsecond precision after Parse
	Seq       uint64
	Progress  *float64 // nil when absent; ProgressDecimals places after Parse
	Message   string
	Error     string
	// Name is the job's display name ("resnet50-lr0.1"), optional: the request id stays the key,
	// so a rerun under a new request id is a new job with the same name.
	Name string
	// StallAfter is the job's own stall window (0: the deployment's default): how long it may be
	// silent before it is called stalled. Whole seconds from MinStallAfter to MaxStallAfter.
	StallAfter time.Duration
}

// OrderKey is the key by which events are ordered: job.FormatTime(EventTime) + "#" + Seq
// zero-padded to 20 digits. Keys compare as text in (EventTime, Seq) order; the status table
// stores the last applied one in last_event.
func (e Event) OrderKey() string {
	return fmt.Sprintf("%s#%020d", job.FormatTime(e.EventTime), e.Seq)
}

// Normalize returns e with its event time in UTC, truncated to the microsecond, and its progress
// rounded to ProgressDecimals places (RoundProgress): the event as Parse would return it after a
// Marshal. It does not change e's Progress in place.
func (e Event) Normalize() Event {
	e.EventTime = e.EventTime.UTC().Truncate(time.Microsecond)
	if e.Progress != nil {
		p := RoundProgress(*e.Progress)
		e.Progress = &p
	}
	return e
}
