package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/ses"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// mailWanted is what a job should have sent its owner: how many emails, and how each subject
// starts ("<request id> succeeded" or "<request id> failed").
type mailWanted struct {
	key     jobKey
	to      string
	subject string
	count   int
	why     string
}

// wantedMail is, for every job of the run, the mail the design allows: one email per finished job
// of a user who wants them; none for an unfinished job or a user who turned them off; two for the
// job whose notified_at write fails once after its email went out (a crash between the send and
// the mark repeats the email, never loses it).
func wantedMail(run string, users map[string]user, want map[jobKey]tables.StatusItem) []mailWanted {
	var out []mailWanted
	for _, j := range jobs {
		u := users[j.owner]
		k := jobKey{u.Sub, requestID(run, j.name)}
		rec := want[k]
		w := mailWanted{key: k, to: strings.ToLower(u.Email), count: 1, why: "a finished job"}
		switch {
		case !rec.Status.Final():
			w.count, w.why = 0, "not finished"
		case j.owner == "carol":
			w.count, w.why = 0, "its owner turned job emails off"
		case j.crashAfterSend:
			w.count, w.why = 2, "the injected crash after the send repeats it once"
		}
		w.subject = k.request + " succeeded"
		if rec.Status == job.Failed {
			w.subject = k.request + " failed"
		}
		out = append(out, w)
	}
	return out
}

// testMail waits until every job that should have been notified is marked, then checks the mail in
// the SES emulator's store, email by email.
func testMail(t *testing.T, s stack.State, proxy *faultProxy, sesFaults *sesProxy, run string, users map[string]user, want map[jobKey]tables.StatusItem) {
	wanted := wantedMail(run, users, want)
	store := ses.Store{Endpoint: s.SESEndpoint}
	ctx := context.Background()
	mailOf := func(all []ses.Email, w mailWanted) []ses.Email {
		var out []ses.Email
		for _, e := range all {
			if len(e.To) == 1 && e.To[0] == w.to && strings.HasPrefix(e.Subject, w.key.request+" ") {
				out = append(out, e)
			}
		}
		return out
	}
	var all []ses.Email
	eventually(t, 60*time.Second, "every finished job notified and marked", func() (bool, string) {
		var err error
		if all, err = store.Emails(ctx); err != nil {
			return false, err.Error()
		}
		for _, w := range wanted {
			rec, err := statusRecord(s, w.key.user, w.key.request)
			if err != nil {
				return false, err.Error()
			}
			if w.count > 0 && (rec.NotifiedAt == "" || len(mailOf(all, w)) < w.count) {
				return false, fmt.Sprintf("%s: %d emails, marked %q; want %d", w.key.request, len(mailOf(all, w)), rec.NotifiedAt, w.count)
			}
		}
		return true, ""
	})
	matched := 0
	for _, w := range wanted {
		got := mailOf(all, w)
		matched += len(got)
		if len(got) != w.count {
			t.Errorf("%s of %s: %d emails, want %d (%s)", w.key.request, w.to, len(got), w.count, w.why)
		}
		for _, e := range got {
			link := s.HTTPEndpoint + "/jobs/" + w.key.request
			if !strings.HasPrefix(e.Subject, w.subject) || !strings.Contains(e.Text, link) || !strings.Contains(e.HTML, link) {
				t.Errorf("%s: subject %q, want it to start %q; link %s in both parts: %t", w.key.request, e.Subject, w.subject, link,
					strings.Contains(e.Text, link) && strings.Contains(e.HTML, link))
			}
		}
	}
	if matched != len(all) {
		t.Errorf("%d emails in the store, %d of them for the run's jobs: some went to the wrong owner or job", len(all), matched)
	}
	for _, j := range jobs {
		if j.crashAfterSend {
			if n := proxy.MarksFailed(requestID(run, j.name)); n != markAttempts {
				t.Errorf("the mark failed %d times, want the %d attempts of one delivery", n, markAttempts)
			}
		}
	}
	if n := sesFaults.failed.Load(); n != sesFailures {
		t.Errorf("SES failed %d sends, want the %d injected (each retried by the event source)", n, sesFailures)
	}
	if visible, hidden := queueDepth(t, fauxqs.NewClient(s.SQSEndpoint), s.NotifierFailureURL); visible+hidden != 0 {
		t.Errorf("the notifier's failure queue holds %d messages; every batch should have succeeded within its retries", visible+hidden)
	}
}
