package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// receiver is a Slack and webhook endpoint on 127.0.0.1: it records what it is posted and answers
// each path with the status set for it (200 by default).
type receiver struct {
	*httptest.Server
	mu     sync.Mutex
	posts  map[string][]post
	status map[string]int
}

type post struct {
	body      []byte
	signature string
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{posts: map[string][]post{}, status: map[string]int{}}
	r.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if code := r.status[req.URL.Path]; code != 0 {
			w.WriteHeader(code)
			return
		}
		r.posts[req.URL.Path] = append(r.posts[req.URL.Path], post{body, req.Header.Get(alerts.SignatureHeader)})
	}))
	t.Cleanup(r.Close)
	return r
}

func (r *receiver) got(path string) []post {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]post(nil), r.posts[path]...)
}

func (r *receiver) answer(path string, code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.status[path] = code
}

// alertUser stores a user whose every trigger goes to email, Slack and the webhook.
func (f *fixture) alertUser(email string, r *receiver) tables.UserItem {
	f.t.Helper()
	secret, err := alerts.NewSecret()
	if err != nil {
		f.t.Fatal(err)
	}
	all := []string{"email", "slack", "webhook"}
	u := tables.UserItem{UserID: owner, Email: email, Timestamp: "2026-11-01T00:00:00.000000Z",
		AlertRoutes: map[string][]string{"succeeded": all, "failed": all, "stalled": all},
		SlackURL:    r.URL + "/slack", WebhookURL: r.URL + "/hook", WebhookSecret: secret}
	if err := f.users.Put(u).Run(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return u
}

// TestChannels: an end and a stall go to email, Slack and the signed webhook once each; a
// redelivery sends nothing more; a webhook 5xx fails the record and its retry posts only what was
// missing; 404/410 answers are counted and mark the channel broken; a refused URL is not retried.
func TestChannels(t *testing.T) {
	now := time.Date(2026, 11, 24, 10, 15, 0, 0, time.UTC)
	cases := []struct {
		name, sample, subject string
		slackWants, hookType  string
	}{
		{"success", "job-succeeded.json", "resnet50-lr0.1 succeeded in 2 h 14 min", "succeeded", "job.succeeded"},
		{"failure", "job-failed.json", "resnet50-lr0.1 failed: CUDA out of memory", "failed\nError: `CUDA out of memory", "job.failed"},
		{"stall", "stall-alerted.json", "resnet50-lr0.1 has not reported for 25 min", "has not reported since 2026-11-24T09:50:00.000000Z (25 min)", "job.stalled"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			r := newReceiver(t)
			f.h.Poster = alerts.NewClient(true)
			to := "channels" + string(rune('a'+i)) + "@example.com"
			u := f.alertUser(to, r)
			ev := f.sample(tc.sample)
			for range 2 { // the second delivery is a redelivery: nothing more
				if resp := f.handle(ev); len(resp.BatchItemFailures) != 0 {
					t.Fatalf("failures %v", resp.BatchItemFailures)
				}
			}
			if m := mailTo(t, to); len(m) != 1 || !strings.HasPrefix(m[0].Subject, tc.subject) {
				t.Errorf("mail %v, want one %q", m, tc.subject)
			}
			slack, hook := r.got("/slack"), r.got("/hook")
			if len(slack) != 1 || len(hook) != 1 {
				t.Fatalf("%d Slack posts, %d webhook posts; want one each", len(slack), len(hook))
			}
			var msg struct{ Text string }
			if err := json.Unmarshal(slack[0].body, &msg); err != nil || !strings.Contains(msg.Text, tc.slackWants) ||
				!strings.Contains(msg.Text, "<https://tracker.example.com/jobs/resnet50-lr0.1|Open the job>") {
				t.Errorf("Slack text %q (%v), want %q and the link", msg.Text, err, tc.slackWants)
			}
			if err := alerts.Verify(u.WebhookSecret, hook[0].signature, hook[0].body, now, alerts.DefaultTolerance); err != nil {
				t.Errorf("webhook signature: %v", err)
			}
			var body alerts.WebhookEvent
			if err := json.Unmarshal(hook[0].body, &body); err != nil || body.Type != tc.hookType || body.Job.RequestID != "resnet50-lr0.1" {
				t.Errorf("webhook body %s (%v)", hook[0].body, err)
			}
		})
	}

	t.Run("a webhook 5xx is retried; the retry posts only what was missing", func(t *testing.T) {
		f := newFixture(t)
		r := newReceiver(t)
		f.h.Poster = alerts.NewClient(true)
		f.alertUser("retry@example.com", r)
		ev := f.sample("job-succeeded.json")
		r.answer("/hook", http.StatusServiceUnavailable)
		if resp := f.handle(ev); len(resp.BatchItemFailures) != 1 {
			t.Fatalf("failures %v, want the record", resp.BatchItemFailures)
		}
		r.answer("/hook", 0)
		if resp := f.handle(ev); len(resp.BatchItemFailures) != 0 {
			t.Fatalf("retry: failures %v", resp.BatchItemFailures)
		}
		if m, s, h := len(mailTo(t, "retry@example.com")), len(r.got("/slack")), len(r.got("/hook")); m != 1 || s != 1 || h != 1 {
			t.Errorf("after a retry: %d emails, %d Slack, %d webhook posts; want one each", m, s, h)
		}
	})

	t.Run("404 and 410 mark the channel broken; a refused URL is not retried", func(t *testing.T) {
		f := newFixture(t)
		r := newReceiver(t)
		f.h.Poster = alerts.NewClient(true)
		u := f.alertUser("gone@example.com", r)
		u.WebhookURL = "https://10.0.0.1/hook" // refused before any connection
		if err := f.users.Put(u).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
		r.answer("/slack", http.StatusGone)
		for i := range alerts.GoneLimit {
			ev := f.sample("job-succeeded.json")
			if err := f.h.Jobs.Update(tables.StatusKey(owner, "resnet50-lr0.1")).Remove(tables.AttrNotifiedAt).Remove(tables.AttrDelivered).Run(context.Background()); err != nil {
				t.Fatal(err)
			}
			if resp := f.handle(ev); len(resp.BatchItemFailures) != 0 {
				t.Fatalf("delivery %d: failures %v: a gone or refused endpoint is not retried", i, resp.BatchItemFailures)
			}
		}
		got, err := f.users.Get(ddb.Key{Partition: owner}).Consistent().One(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got.SlackGone != alerts.GoneLimit || got.SlackBrokenAt == "" || got.WebhookBrokenAt != "" {
			t.Errorf("slack gone %d broken %q, webhook broken %q; want Slack broken after %d", got.SlackGone, got.SlackBrokenAt, got.WebhookBrokenAt, alerts.GoneLimit)
		}
		if !strings.Contains(f.log.String(), `channel marked broken`) || !strings.Contains(f.log.String(), "not a public address") {
			t.Errorf("log lacks the broken channel or the refused URL:\n%s", f.log)
		}
	})
}
