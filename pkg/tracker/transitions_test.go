package tracker_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestEveryTransitionPair moves a job into each state, then sends a newer event of each state,
// and checks the outcome and the stored status.
func TestEveryTransitionPair(t *testing.T) {
	f := newFixture(t)
	states := []job.Status{job.Started, job.InProgress, job.Success, job.Failed}
	allowed := map[[2]job.Status]bool{
		{job.Started, job.InProgress}:    true,
		{job.Started, job.Success}:       true,
		{job.Started, job.Failed}:        true,
		{job.InProgress, job.InProgress}: true,
		{job.InProgress, job.Success}:    true,
		{job.InProgress, job.Failed}:     true,
	}
	for _, from := range states {
		for _, to := range states {
			t.Run(fmt.Sprintf("%s->%s", from, to), func(t *testing.T) {
				req := fmt.Sprintf("pair-%s-%s", from, to)
				if res, err := f.apply(event(req, from, 0, 0)); err != nil || res.Outcome != tracker.Applied {
					t.Fatalf("first event: %+v, %v", res, err)
				}
				res, err := f.apply(event(req, to, 10, 0))
				if err != nil {
					t.Fatalf("second event: %v", err)
				}
				item, _ := f.item(req)
				want, wantOutcome := from, tracker.Refused
				if allowed[[2]job.Status{from, to}] {
					want, wantOutcome = to, tracker.Applied
				}
				if res.Outcome != wantOutcome || item.Status != want {
					t.Errorf("outcome %s (%s), status %s; want %s, %s", res.Outcome, res.Reason, item.Status, wantOutcome, want)
				}
			})
		}
	}
}

func TestFirstEventCreatesRecordInItsState(t *testing.T) {
	f := newFixture(t)
	ev := event("skip-start", job.InProgress, 5, 2)
	ev.Progress, ev.Message = ptr(42.5), "epoch 3/10"
	if res, err := f.apply(ev); err != nil || res.Outcome != tracker.Applied {
		t.Fatalf("apply: %+v, %v", res, err)
	}
	item, _ := f.item("skip-start")
	at := job.FormatTime(ev.EventTime)
	want := tables.StatusItem{
		RequestID: "skip-start", UserID: owner, Status: job.InProgress, Timestamp: at, UpdatedAt: at,
		Progress: ptr(42.5), Message: "epoch 3/10", InProgressAt: at, LastEvent: ev.OrderKey(),
		FirstReport: ev.OrderKey(), FirstReportProgress: ptr(42.5), LastReport: ev.OrderKey(), LastReportProgress: ptr(42.5),
		ExpiresAt: now.Add(tracker.DefaultRetention).Unix(), OpenShard: tables.OpenShard(owner, "skip-start"),
	}
	if !reflect.DeepEqual(item, want) {
		t.Errorf("item\n %+v\nwant\n %+v", item, want)
	}
}

func TestDuplicateCostsOneWriteAndChangesNothing(t *testing.T) {
	f := newFixture(t)
	ev := event("dup", job.Started, 0, 0)
	if _, err := f.apply(ev); err != nil {
		t.Fatal(err)
	}
	before, _ := f.item("dup")
	f.client.Reset()
	for range 3 {
		res, err := f.apply(ev)
		if err != nil || res.Outcome != tracker.Duplicate {
			t.Fatalf("duplicate: %+v, %v", res, err)
		}
	}
	if n, r := f.client.Calls("UpdateItem"), f.client.Calls("GetItem"); n != 3 || r != 0 {
		t.Errorf("3 duplicates cost %d UpdateItem and %d GetItem calls, want 3 and 0", n, r)
	}
	if after, _ := f.item("dup"); !reflect.DeepEqual(after, before) {
		t.Errorf("duplicate changed the record: %+v -> %+v", before, after)
	}
}

// A job is (user, request): two users may each run a job with the same name, and neither's events
// touch the other's record.
func TestTwoOwnersOneName(t *testing.T) {
	f := newFixture(t)
	other := "7d1e2f3a-4b5c-4d6e-9f80-a1b2c3d4e5f6"
	evs := []trainevent.Event{event("job-123", job.Started, 0, 0), event("job-123", job.InProgress, 10, 0)}
	theirs := event("job-123", job.Started, 5, 0)
	theirs.UserID = other
	evs = append(evs, theirs)
	for _, ev := range evs {
		if res, err := f.apply(ev); err != nil || res.Outcome != tracker.Applied {
			t.Fatalf("apply %s/%s %s: %+v, %v; want applied", ev.UserID, ev.RequestID, ev.Status, res, err)
		}
	}
	cases := []struct {
		user       string
		wantStatus job.Status
		wantStart  string
	}{
		{owner, job.InProgress, job.FormatTime(t0)},
		{other, job.Started, job.FormatTime(t0.Add(5 * time.Second))},
	}
	for _, c := range cases {
		item, ok := f.itemOf(c.user, "job-123")
		if !ok || item.Status != c.wantStatus || item.Timestamp != c.wantStart || item.UserID != c.user {
			t.Errorf("%s's job-123 = %+v (found %t), want %s started %s", c.user, item, ok, c.wantStatus, c.wantStart)
		}
	}
}

func TestLateEvents(t *testing.T) {
	cases := []struct {
		name    string
		applied []int // seconds of events applied first: status by index: 0 STARTED,1 IN_PROGRESS,2 SUCCESS
		late    int
		lateAt  int
		want    tracker.Outcome
		check   func(tables.StatusItem) string
		wantVal string
		writes  int64
	}{
		{"late STARTED fills start", []int{-1, 20, 30}, 0, 10, tracker.Filled, func(i tables.StatusItem) string {
			return i.StartedAt + " " + i.Timestamp
		}, "10 10", 2},
		{"late IN_PROGRESS fills its stage", []int{10, -1, 30}, 1, 20, tracker.Filled, func(i tables.StatusItem) string {
			return i.InProgressAt + " " + i.Timestamp
		}, "20 10", 2},
		{"late event with nothing to fill", []int{10, 20, 30}, 1, 25, tracker.Stale, func(i tables.StatusItem) string {
			return i.InProgressAt
		}, "20", 1},
		{"late earlier IN_PROGRESS moves its stage earlier", []int{10, 20, 30}, 1, 15, tracker.Filled, func(i tables.StatusItem) string {
			return i.InProgressAt + " " + i.Timestamp
		}, "15 10", 2},
		{"late event before any start moves timestamp", []int{-1, 20, 30}, 1, 15, tracker.Filled, func(i tables.StatusItem) string {
			return i.InProgressAt + " " + i.Timestamp
		}, "15 15", 2},
	}
	statuses := []job.Status{job.Started, job.InProgress, job.Success}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			for i, sec := range tc.applied {
				if sec >= 0 {
					if _, err := f.apply(event("late", statuses[i], sec, 0)); err != nil {
						t.Fatal(err)
					}
				}
			}
			before, _ := f.item("late")
			f.client.Reset()
			res, err := f.apply(event("late", statuses[tc.late], tc.lateAt, 0))
			if err != nil || res.Outcome != tc.want {
				t.Fatalf("late event: %+v, %v; want %s", res, err, tc.want)
			}
			after, _ := f.item("late")
			if after.Status != before.Status || after.LastEvent != before.LastEvent || after.UpdatedAt != before.UpdatedAt {
				t.Errorf("late event moved the job: %+v -> %+v", before, after)
			}
			if n := f.client.Calls("UpdateItem"); n != tc.writes {
				t.Errorf("%d writes, want %d", n, tc.writes)
			}
			if got := secondsOf(tc.check(after)); got != tc.wantVal {
				t.Errorf("got %q (seconds after t0), want %q", got, tc.wantVal)
			}
		})
	}
}

// secondsOf rewrites each stored time in s as whole seconds after t0, for readable expectations.
func secondsOf(s string) string {
	fields := strings.Fields(s)
	for i, f := range fields {
		if tm, err := job.ParseTime(f); err == nil {
			fields[i] = fmt.Sprint(int(tm.Sub(t0).Seconds()))
		}
	}
	return strings.Join(fields, " ")
}

// TestLateFinalEvent: a final event that arrives after newer progress events still ends the job,
// as delivery in order would have, and the record ends where ordered delivery leaves it.
func TestLateFinalEvent(t *testing.T) {
	f := newFixture(t)
	steps := []struct {
		status  job.Status
		sec     int
		want    tracker.Outcome
		outcome string // "status in_progress_at timestamp finished_at" after the step, in seconds
	}{
		{job.InProgress, 30, tracker.Applied, "IN_PROGRESS 30 30 -"}, // stamped after the end
		{job.Success, 20, tracker.Applied, "SUCCESS - 20 20"},        // the end arrives late
		{job.InProgress, 10, tracker.Filled, "SUCCESS 10 10 20"},     // earlier progress fills in
		{job.InProgress, 30, tracker.Refused, "SUCCESS 10 10 20"},    // redelivered: after the end
		{job.Failed, 15, tracker.Refused, "SUCCESS 10 10 20"},        // a second final event
		{job.Success, 20, tracker.Duplicate, "SUCCESS 10 10 20"},     // the end again
	}
	for i, st := range steps {
		res, err := f.apply(event("late-end", st.status, st.sec, 0))
		if err != nil || res.Outcome != st.want {
			t.Fatalf("step %d (%s at %d): %+v, %v; want %s", i, st.status, st.sec, res, err, st.want)
		}
		item, _ := f.item("late-end")
		got := fmt.Sprintf("%s %s", item.Status, secondsOf(orDash(item.InProgressAt)+" "+orDash(item.Timestamp)+" "+orDash(item.FinishedAt)))
		if got != st.outcome {
			t.Errorf("step %d: record %q, want %q", i, got, st.outcome)
		}
	}
	if item, _ := f.item("late-end"); item.LastEvent != event("", job.Success, 20, 0).OrderKey() {
		t.Errorf("last_event %s, want the SUCCESS event's", item.LastEvent)
	}
}

// TestSameOrderKey: an event with the same (event_time, seq) as the last applied one is a
// duplicate only if it says the same; a final event with the same key still ends the job.
func TestSameOrderKey(t *testing.T) {
	f := newFixture(t)
	first := event("same-key", job.InProgress, 5, 0)
	first.Progress, first.Message = ptr(40), "epoch 4"
	if _, err := f.apply(first); err != nil {
		t.Fatal(err)
	}
	other := first
	other.Message = "epoch 4 (other worker)"
	done := event("same-key", job.Success, 5, 0)
	cases := []struct {
		ev         trainevent.Event
		want       tracker.Outcome
		wantStatus job.Status
	}{
		{first, tracker.Duplicate, job.InProgress},
		{other, tracker.Refused, job.InProgress},
		{done, tracker.Applied, job.Success},
		{done, tracker.Duplicate, job.Success},
	}
	for i, tc := range cases {
		res, err := f.apply(tc.ev)
		item, _ := f.item("same-key")
		if err != nil || res.Outcome != tc.want || item.Status != tc.wantStatus {
			t.Errorf("case %d: %+v, %v, status %s; want %s, %s", i, res, err, item.Status, tc.want, tc.wantStatus)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// TestLatestReport: the record keeps the latest progress report of every one delivered, in any
// order, also one refused because the job had ended, so a FAILED job shows how far it got.
func TestLatestReport(t *testing.T) {
	f := newFixture(t)
	report := func(req string, sec int, p float64) trainevent.Event {
		ev := event(req, job.InProgress, sec, 0)
		ev.Progress = ptr(p)
		return ev
	}
	cases := []struct {
		name    string
		events  func(req string) []trainevent.Event
		want    float64
		outcome tracker.Outcome // of the last event
	}{
		{"in order, then failed", func(r string) []trainevent.Event {
			return []trainevent.Event{event(r, job.Started, 0, 0), report(r, 10, 12), event(r, job.Failed, 20, 0)}
		}, 12, tracker.Applied},
		{"failed first, reports late", func(r string) []trainevent.Event {
			return []trainevent.Event{event(r, job.Failed, 20, 0), report(r, 15, 30), report(r, 10, 12)}
		}, 30, tracker.Filled},
		{"failed late after a newer report", func(r string) []trainevent.Event {
			return []trainevent.Event{report(r, 10, 12), report(r, 30, 40), event(r, job.Failed, 20, 0)}
		}, 40, tracker.Applied},
		{"a report after the end is refused and kept", func(r string) []trainevent.Event {
			return []trainevent.Event{report(r, 10, 12), event(r, job.Failed, 20, 0), report(r, 30, 40)}
		}, 40, tracker.Refused},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := strings.ReplaceAll(tc.name, " ", "-")
			var res tracker.Result
			for _, ev := range tc.events(req) {
				var err error
				if res, err = f.apply(ev); err != nil {
					t.Fatal(err)
				}
			}
			item, _ := f.item(req)
			if item.LastReportProgress == nil || *item.LastReportProgress != tc.want || res.Outcome != tc.outcome {
				t.Errorf("latest report %v, last outcome %s (%s); want %g, %s", item.LastReportProgress, res.Outcome, res.Reason, tc.want, tc.outcome)
			}
		})
	}
}
