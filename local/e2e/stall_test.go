package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/receiver"
	"github.com/trainstatus/trainstatus/local/ses"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
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
	// Every trigger to email, Slack and the webhook, both at the stack's receiver.
	all := `["email","slack","webhook"]`
	saved := send(t, s.HTTPEndpoint, http.MethodPut, "/me/alerts", owner.Token, `{"routes":{"succeeded":`+all+`,"failed":`+all+`,"stalled":`+all+`},`+
		`"slack_url":"`+s.ReceiverEndpoint+`/slack/`+run+`","webhook_url":"`+s.ReceiverEndpoint+`/hook/`+run+`"}`)
	var settings statusapi.AlertSettings
	if saved.status != http.StatusOK || json.Unmarshal([]byte(saved.body), &settings) != nil || settings.WebhookSecret == "" {
		t.Fatalf("PUT /me/alerts: %d %s", saved.status, saved.body)
	}
	// posts lists what the receiver got for this run on a channel, about a job.
	posts := func(channel, req string) []receiver.Post {
		var out []receiver.Post
		for _, p := range st.Receiver().Posts() {
			if p.Channel == channel && strings.HasSuffix(p.Path, "/"+run) && strings.Contains(string(p.Body), req) {
				out = append(out, p)
			}
		}
		return out
	}
	// verified checks a webhook post's signature and returns its body.
	verified := func(p receiver.Post) alerts.WebhookEvent {
		t.Helper()
		if err := alerts.Verify(settings.WebhookSecret, p.Signature, p.Body, time.Now(), alerts.DefaultTolerance); err != nil {
			t.Errorf("webhook signature: %v", err)
		}
		var ev alerts.WebhookEvent
		if err := json.Unmarshal(p.Body, &ev); err != nil {
			t.Error(err)
		}
		return ev
	}
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
	mailAlerts := func(req string) []ses.Email {
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
	// waitAlerted waits for the n-th alert of req on every channel and for their marks.
	waitAlerted := func(req string, n int, lastHeard time.Time) {
		t.Helper()
		eventually(t, 60*time.Second, fmt.Sprintf("alert %d of %s delivered and marked", n, req), func() (bool, string) {
			rec, err := statusRecord(s, owner.Sub, req)
			if err != nil {
				return false, err.Error()
			}
			got, slack, hook := len(mailAlerts(req)), len(posts("slack", req)), len(posts("webhook", req))
			hookMark := "stalled/webhook/" + job.FormatTime(lastHeard)
			return got >= n && slack >= n && hook >= n && rec.StallNotifiedFor == job.FormatTime(lastHeard) && slices.Contains(rec.Delivered, hookMark),
				fmt.Sprintf("%d emails, %d Slack, %d webhook posts, alerted for %q, notified for %q, delivered %v", got, slack, hook, rec.StallAlertedFor, rec.StallNotifiedFor, rec.Delivered)
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
		got := mailAlerts(killed)
		if len(got) != 1 || len(posts("slack", killed)) != 1 || len(posts("webhook", killed)) != 1 {
			t.Fatalf("%d emails, %d Slack and %d webhook posts for one silence, want 1 each", len(got), len(posts("slack", killed)), len(posts("webhook", killed)))
		}
		if ev := verified(posts("webhook", killed)[0]); ev.Type != "job.stalled" || ev.Job.UpdatedAt != job.FormatTime(last) || ev.Job.Status != job.InProgress {
			t.Errorf("webhook event %+v", ev)
		}
		if r := posts("slack", killed)[0].Rendered; !strings.Contains(r, "has not reported since "+job.FormatTime(last)) || !strings.Contains(r, "Open the job ("+s.HTTPEndpoint+"/jobs/"+killed+")") {
			t.Errorf("Slack message as shown:\n%s", r)
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
		if got := mailAlerts(killed); len(got) != 2 || !strings.Contains(got[1].Text, job.FormatTime(resumed)) || len(posts("webhook", killed)) != 2 {
			t.Errorf("%d emails and %d webhook posts after two silences, want 2 each, the second about %s", len(got), len(posts("webhook", killed)), job.FormatTime(resumed))
		}
	})

	t.Run("the job that kept reporting was never alerted", func(t *testing.T) {
		if got := mailAlerts(alive); len(got) != 0 || len(posts("webhook", alive)) != 0 {
			t.Errorf("%d alerts for a job that reported every second with a window of a minute", len(got))
		}
	})
	close(stopBeat)
	beat.Wait()

	t.Run("Slack and webhook messages for success and failure", func(t *testing.T) {
		ok, failed := run+"-ok", run+"-failed"
		report(ok, job.Success, 100, 0)
		at := time.Now().UTC()
		ev := trainevent.Event{RequestID: failed, UserID: owner.Sub, Status: job.Failed, EventTime: at,
			Error: "CUDA out of memory <!channel> http://evil.example"}
		if _, err := sender.Send(ctx, ev); err != nil {
			t.Fatal(err)
		}
		eventually(t, 60*time.Second, "both ends posted", func() (bool, string) {
			n := len(posts("slack", ok)) + len(posts("webhook", ok)) + len(posts("slack", failed)) + len(posts("webhook", failed))
			return n == 4, fmt.Sprintf("%d of 4 posts", n)
		})
		if ev := verified(posts("webhook", ok)[0]); ev.Type != "job.succeeded" || ev.Job.Status != job.Success {
			t.Errorf("success webhook %+v", ev)
		}
		if ev := verified(posts("webhook", failed)[0]); ev.Type != "job.failed" || !strings.Contains(ev.Job.Error, "CUDA out of memory") {
			t.Errorf("failure webhook %+v", ev)
		}
		if r := posts("slack", ok)[0].Rendered; !strings.Contains(r, "succeeded") {
			t.Errorf("success in Slack:\n%s", r)
		}
		// The job's error shows as text: the mention is no mention, the URL in code is no link.
		if r := posts("slack", failed)[0].Rendered; !strings.Contains(r, "failed") || !strings.Contains(r, "`CUDA out of memory <!channel> http://evil.example`") || strings.Contains(r, "@channel") {
			t.Errorf("failure in Slack:\n%s", r)
		}
	})
}
