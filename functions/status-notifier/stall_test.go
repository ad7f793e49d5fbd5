package main

import (
	"context"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/tables"
)

// TestStallAlerts: the stall sweep's record of a silence is e-mailed once and marked; a
// redelivery sends nothing more; a job that reported since is not alerted; a crash between the
// send and the mark repeats the alert once, never loses it; a stall record is never mistaken for
// an ending, nor an ending for a stall.
func TestStallAlerts(t *testing.T) {
	type step struct {
		resumed   bool   // the job reported again before this delivery
		ddbFault  string // "UpdateItem": the mark fails
		outcome   Outcome
		failed    bool
		mailAfter int
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"delivered twice: one alert", []step{{outcome: Sent, mailAfter: 1}, {outcome: Skipped, mailAfter: 1}}},
		{"the job reported again first", []step{{resumed: true, outcome: Skipped, mailAfter: 0}}},
		{"crash after the send", []step{
			{ddbFault: "UpdateItem", outcome: Failed, failed: true, mailAfter: 1},
			{outcome: Sent, mailAfter: 2},
			{outcome: Skipped, mailAfter: 2},
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ev := f.sample("stall-alerted.json")
			to := "stall" + string(rune('a'+i)) + "@example.com"
			f.user(owner, to, nil)
			key := tables.StatusKey(owner, "resnet50-lr0.1")
			for n, s := range tc.steps {
				f.spy.SetFault(nil)
				if s.resumed {
					if err := f.h.Jobs.Update(key).Set(tables.AttrUpdatedAt, "2026-11-24T10:14:00.000000Z").Remove(tables.AttrStallAlertedFor).Run(context.Background()); err != nil {
						t.Fatal(err)
					}
				}
				if s.ddbFault != "" {
					f.spy.SetFault(failOn(s.ddbFault, f.h.Jobs.Name()))
				}
				before := len(f.log.String())
				resp := f.handle(ev)
				logged := f.log.String()[before:]
				if !strings.Contains(logged, `"outcome":"`+string(s.outcome)+`"`) {
					t.Errorf("delivery %d: outcome not %s:\n%s", n+1, s.outcome, logged)
				}
				if (len(resp.BatchItemFailures) == 1) != s.failed {
					t.Errorf("delivery %d: failures %v, want failed %v", n+1, resp.BatchItemFailures, s.failed)
				}
				mail := mailTo(t, to)
				if len(mail) != s.mailAfter {
					t.Fatalf("delivery %d: %d emails, want %d", n+1, len(mail), s.mailAfter)
				}
				for _, m := range mail {
					if m.Subject != "resnet50-lr0.1 has not reported for 25 min" ||
						!strings.Contains(m.Text, "has not reported since 2026-11-24T09:50:00.000000Z (25 min ago)") ||
						!strings.Contains(m.Text, "still shown as running") || !strings.Contains(m.Text, "Last progress: 97.5 %") ||
						!strings.Contains(m.HTML, `href="https://tracker.example.com/jobs/resnet50-lr0.1"`) {
						t.Errorf("alert %q:\n%s", m.Subject, m.Text)
					}
				}
			}
			it, err := f.h.Jobs.Get(key).Consistent().One(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if it.NotifiedAt != "" || it.Status != "IN_PROGRESS" {
				t.Errorf("after a stall alert: notified_at %q status %s; want no end mark and the state unchanged", it.NotifiedAt, it.Status)
			}
			if want := map[bool]string{true: "2026-11-24T09:50:00.000000Z", false: ""}[tc.steps[len(tc.steps)-1].mailAfter > 0]; it.StallNotifiedFor != want {
				t.Errorf("stall_notified_for %q, want %q", it.StallNotifiedFor, want)
			}
		})
	}
}
