package tracker

import (
	"errors"
	"fmt"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// MaxClockSkew is how far ahead of the tracker's clock an event time may be: a producer's clock
// a little fast is normal, one minutes ahead is wrong, and an event dated far in the future would
// hold its job's record (and its TTL) hostage until then.
const MaxClockSkew = 5 * time.Minute

// Errors of an event whose time is outside the window Apply accepts. Both mean the event can
// never be applied, however often it is retried: dead-letter it with the reason.
var (
	// ErrFutureEvent: the event time is more than MaxClockSkew ahead of the clock.
	ErrFutureEvent = errors.New("tracker: event_time is in the future")
	// ErrExpiredEvent: the event time is older than the retention; its record would already be
	// gone (or be deleted by the TTL within days, and recreated behind its real state by a
	// redelivery).
	ErrExpiredEvent = errors.New("tracker: event_time is older than the retention")
)

// checkTime refuses an event dated more than MaxClockSkew after now or more than the retention
// before it. (trainevent.Parse accepts any time from 1970 to 9999: the format has no clock.)
func (tr *Tracker) checkTime(ev trainevent.Event, now time.Time) error {
	switch {
	case ev.EventTime.After(now.Add(MaxClockSkew)):
		return fmt.Errorf("%w: %s is more than %s ahead of the clock (%s)",
			ErrFutureEvent, job.FormatTime(ev.EventTime), MaxClockSkew, job.FormatTime(now))
	case ev.EventTime.Before(now.Add(-tr.retention)):
		return fmt.Errorf("%w: %s is more than %s before the clock (%s)",
			ErrExpiredEvent, job.FormatTime(ev.EventTime), days(tr.retention), job.FormatTime(now))
	}
	return nil
}

// expiresAt is the TTL (Unix seconds) a record gets when ev is applied at now: the retention
// after the later of the event time and now. From the event time alone, an event dated weeks ago
// would make a record that DynamoDB deletes long before its retention is up (and a redelivery
// would then recreate it, possibly behind its real state). Events are at most MaxClockSkew ahead
// of now, so a TTL is never more than that later than now + retention.
func (tr *Tracker) expiresAt(ev trainevent.Event, now time.Time) int64 {
	from := ev.EventTime
	if now.After(from) {
		from = now
	}
	return from.Add(tr.retention).Unix()
}

// days writes d in days when it is a whole number of them ("90 days"), as retentions are.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return fmt.Sprintf("%d days", d/(24*time.Hour))
	}
	return d.String()
}
