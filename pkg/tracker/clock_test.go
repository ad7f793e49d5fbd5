package tracker_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

// TestEventTimeWindowAndTTL: an event is applied only if dated at most MaxClockSkew after the
// clock and at most the retention before it, and its record's TTL is the retention after the
// later of its time and the clock (issue 12.1: before, any time from 1970 to 9999 was applied
// and the TTL was the event time + retention, so an old event made a record deleted within days).
func TestEventTimeWindowAndTTL(t *testing.T) {
	f := newFixture(t)
	ret := tracker.DefaultRetention
	cases := []struct {
		name    string
		at      time.Time
		wantErr error
		wantTTL time.Time // for applied events
	}{
		{"an hour ago: TTL from now", now.Add(-time.Hour), nil, now.Add(ret)},
		{"89 days ago: TTL from now", now.Add(-89 * 24 * time.Hour), nil, now.Add(ret)},
		{"exactly the retention ago", now.Add(-ret), nil, now.Add(ret)},
		{"a second older than the retention", now.Add(-ret - time.Second), tracker.ErrExpiredEvent, time.Time{}},
		{"1970", time.Unix(0, 0).UTC(), tracker.ErrExpiredEvent, time.Time{}},
		{"now", now, nil, now.Add(ret)},
		{"4 minutes ahead: TTL from the event", now.Add(4 * time.Minute), nil, now.Add(4*time.Minute + ret)},
		{"exactly MaxClockSkew ahead", now.Add(tracker.MaxClockSkew), nil, now.Add(tracker.MaxClockSkew + ret)},
		{"a second more than MaxClockSkew ahead", now.Add(tracker.MaxClockSkew + time.Second), tracker.ErrFutureEvent, time.Time{}},
		{"9999", time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC), tracker.ErrFutureEvent, time.Time{}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := fmt.Sprintf("window-%d", i)
			ev := event(req, job.Started, 0, 0)
			ev.EventTime = tc.at
			f.client.Reset()
			res, err := f.apply(ev)
			calls := f.client.Calls()
			item, found := f.item(req)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) || found || calls != 0 {
					t.Fatalf("Apply = %+v, %v (record %v, %d calls); want %v before any call", res, err, found, calls, tc.wantErr)
				}
				return
			}
			if err != nil || res.Outcome != tracker.Applied || !found {
				t.Fatalf("Apply = %+v, %v (record %v); want applied", res, err, found)
			}
			if got := time.Unix(item.ExpiresAt, 0).UTC(); !got.Equal(tc.wantTTL.Truncate(time.Second)) {
				t.Errorf("expires_at %s, want %s", got, tc.wantTTL)
			}
		})
	}
}

// TestLateFinalEventTTL: the write that ends a job late sets the TTL by the same rule.
func TestLateFinalEventTTL(t *testing.T) {
	f := newFixture(t)
	for _, ev := range []struct {
		status job.Status
		sec    int
	}{{job.InProgress, 30}, {job.Success, 20}} {
		if _, err := f.apply(event("late-ttl", ev.status, ev.sec, 0)); err != nil {
			t.Fatal(err)
		}
	}
	if item, _ := f.item("late-ttl"); item.Status != job.Success || item.ExpiresAt != now.Add(tracker.DefaultRetention).Unix() {
		t.Errorf("record %s expires %d, want SUCCESS expiring %d", item.Status, item.ExpiresAt, now.Add(tracker.DefaultRetention).Unix())
	}
}
