package e2e

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/ses"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// stallWindow is the deployment's stall window in this test, and sweepEvery the schedule's
// period: short, so that the test takes seconds; the rule under test does not depend on them.
const (
	stallWindow = 3 * time.Second
	sweepEvery  = 500 * time.Millisecond
)

// TestStallAlert (issue 22): a job that stops reporting is alerted as stalled by email, exactly
// once per silence, even with sweeps running at once besides the schedule's; it stays IN_PROGRESS;
// a job that reports again is not alerted again until a new silence; a job that keeps reporting
// is never alerted. Each step waits for what it needs (mail in the store, a mark on the record,
// sweeps completed), never for a time.
func TestStallAlert(t *testing.T) {
	noLeftovers(t)
	st := startStack(t, stack.Config{DynamoDBEndpoint: dynamoDB(t), ScheduleEvery: sweepEvery,
		FunctionEnv: map[string]map[string]string{deploy.StallSweep: {deploy.StallWindowVar.Name: stallWindow.String()}}})
	s := st.State
	owner := signUp(t, s, "stall@example.com")
	run := uniqueName("stall")
	killed, alive := run+"-killed", run+"-heartbeat"
	sender := producer.New(fauxqs.NewClient(s.SQSEndpoint), s.QueueURL)
	ctx := context.Background()
	report := func(req string, status job.Status, progress float64, window time.Duration) time.Time {
		t.Helper()
		at := time.Now().UTC().Truncate(time.Microsecond)
		ev := trainevent.Event{RequestID: req, UserID: owner.Sub, Status: status, EventTime: at, Progress: &progress, StallAfter: window}
		if status == job.Started {
			ev.Progress = nil
		}
		if _, err := sender.Send(ctx, ev); err != nil {
			t.Fatal(err)
		}
		eventually(t, 30*time.Second, req+" applied", func() (bool, string) {
			rec, err := statusRecord(s, owner.Sub, req)
			if err != nil {
				return false, err.Error()
			}
			return rec.UpdatedAt == job.FormatTime(at), "updated_at " + rec.UpdatedAt
		})
		return at
	}
	store := ses.Store{Endpoint: s.SESEndpoint}
	alerts := func(req string) []ses.Email {
		t.Helper()
		all, err := store.Emails(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var out []ses.Email
		for _, e := range all {
			if strings.HasPrefix(e.Subject, req+" has ") {
				out = append(out, e)
			}
		}
		return out
	}
	// waitAlerted waits for the n-th alert of req and for the notifier's mark of its episode.
	waitAlerted := func(req string, n int, lastHeard time.Time) {
		t.Helper()
		eventually(t, 60*time.Second, fmt.Sprintf("alert %d of %s delivered and marked", n, req), func() (bool, string) {
			rec, err := statusRecord(s, owner.Sub, req)
			if err != nil {
				return false, err.Error()
			}
			got := len(alerts(req))
			return got >= n && rec.StallNotifiedFor == job.FormatTime(lastHeard),
				fmt.Sprintf("%d alerts, alerted for %q, notified for %q", got, rec.StallAlertedFor, rec.StallNotifiedFor)
		})
		t.Logf("%s: alert %d about %v after its last event", req, n, time.Since(lastHeard).Round(100*time.Millisecond))
	}
	// moreSweeps waits until the schedule has completed n more sweeps.
	moreSweeps := func(n int) {
		t.Helper()
		wctx, cancel := context.WithTimeout(ctx, time.Minute)
		defer cancel()
		if err := st.WaitScheduledRuns(wctx, deploy.StallSweep, st.ScheduledRuns(deploy.StallSweep)+n); err != nil {
			t.Fatal(err)
		}
	}

	// The heartbeat job reports all along, every second, with a window of its own of a minute (the
	// shortest an event may give): a queue slower than the test's 3 s cannot make it look silent.
	report(alive, job.Started, 0, time.Minute)
	stopBeat := make(chan struct{})
	var beat sync.WaitGroup
	beat.Go(func() {
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for p := 1.0; ; p++ {
			select {
			case <-stopBeat:
				return
			case <-tick.C:
				ev := trainevent.Event{RequestID: alive, UserID: owner.Sub, Status: job.InProgress, EventTime: time.Now().UTC(), Progress: &p}
				if _, err := sender.Send(ctx, ev); err != nil {
					t.Error(err)
					return
				}
			}
		}
	})

	// One report (it creates the job), then the job is killed: nothing more. (A STARTED event
	// first would give a slow queue the chance to make the gap between the two a silence.)
	last := report(killed, job.InProgress, 12.5, 0)

	t.Run("the silent job is alerted once, and stays IN_PROGRESS", func(t *testing.T) {
		waitAlerted(killed, 1, last)
		// Two sweeps at once, on top of the schedule's, then a few more scheduled ones.
		var wg sync.WaitGroup
		for range 2 {
			wg.Go(func() {
				if _, err := st.RunSchedule(ctx, deploy.StallSweep); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		moreSweeps(3)
		got := alerts(killed)
		if len(got) != 1 {
			t.Fatalf("%d alerts for one silence, want 1", len(got))
		}
		if got[0].To[0] != "stall@example.com" || !strings.Contains(got[0].Text, "has not reported since "+job.FormatTime(last)) ||
			!strings.Contains(got[0].Text, s.HTTPEndpoint+"/jobs/"+killed) {
			t.Errorf("alert to %v:\n%s", got[0].To, got[0].Text)
		}
		rec, _ := statusRecord(s, owner.Sub, killed)
		if rec.Status != job.InProgress || rec.NotifiedAt != "" {
			t.Errorf("the stalled job is %s (notified_at %q); silence is not failure", rec.Status, rec.NotifiedAt)
		}
	})

	t.Run("a job that reports again is alerted again only after a new silence", func(t *testing.T) {
		resumed := report(killed, job.InProgress, 50, 0)
		if rec, _ := statusRecord(s, owner.Sub, killed); rec.StallAlertedFor != "" {
			t.Fatalf("stall_alerted_for %q after a report: the episode should be over", rec.StallAlertedFor)
		}
		waitAlerted(killed, 2, resumed)
		moreSweeps(2)
		if got := alerts(killed); len(got) != 2 || !strings.Contains(got[1].Text, job.FormatTime(resumed)) {
			t.Errorf("%d alerts after two silences, want 2, the second about %s", len(got), job.FormatTime(resumed))
		}
	})

	t.Run("the job that kept reporting was never alerted", func(t *testing.T) {
		if got := alerts(alive); len(got) != 0 {
			t.Errorf("%d alerts for a job that reported every second with a window of a minute", len(got))
		}
	})
	close(stopBeat)
	beat.Wait()
}
