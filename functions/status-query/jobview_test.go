package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestETA: the estimated finish appears once a job has reported progress at two different times,
// extrapolated from the first report to the last, and disappears when the job ends. The jobs are
// written by the real tracker, so the stored fields are the ones production writes.
func TestETA(t *testing.T) {
	f := newFixture(t)
	cases := []struct {
		name   string
		events []trainevent.Event
		eta    string // "" for none
	}{
		{"started only", []trainevent.Event{event("j-started", job.Started, 0)}, ""},
		{"one report", []trainevent.Event{event("j-one", job.Started, 0), event("j-one", job.InProgress, 1, 10)}, ""},
		// 10% at 1 min, 50% at 5 min: 10% a minute, so the other 50% take 5 more minutes.
		{"two reports", []trainevent.Event{event("j-two", job.Started, 0), event("j-two", job.InProgress, 1, 10),
			event("j-two", job.InProgress, 5, 50)}, "2026-11-24T10:10:00.000000Z"},
		{"two reports, the first delivered last", []trainevent.Event{event("j-late", job.InProgress, 5, 50),
			event("j-late", job.Started, 0), event("j-late", job.InProgress, 1, 10)}, "2026-11-24T10:10:00.000000Z"},
		{"three reports", []trainevent.Event{event("j-three", job.InProgress, 1, 10), event("j-three", job.InProgress, 3, 20),
			event("j-three", job.InProgress, 6, 70)}, "2026-11-24T10:08:30.000000Z"},
		{"no progress since the first report", []trainevent.Event{event("j-flat", job.InProgress, 1, 10),
			event("j-flat", job.InProgress, 5, 10)}, ""},
		{"succeeded", []trainevent.Event{event("j-done", job.InProgress, 1, 10), event("j-done", job.InProgress, 5, 50),
			event("j-done", job.Success, 8)}, ""},
		{"failed", []trainevent.Event{event("j-failed", job.InProgress, 1, 10), event("j-failed", job.InProgress, 5, 50),
			event("j-failed", job.Failed, 6)}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.track(tc.events...)
			resp := f.do(getReq(t, tc.events[0].RequestID, alice))
			got := decodeJob(t, resp)
			if got.ETA != tc.eta {
				t.Errorf("eta %q, want %q; body %s", got.ETA, tc.eta, resp.Body)
			}
			if tc.eta == "" && strings.Contains(resp.Body, `"eta"`) {
				t.Errorf("body %s has an eta field", resp.Body)
			}
		})
	}
}

// TestFailedKeepsProgress: a FAILED job whose failure carried no progress answers the latest
// progress reported (how far it got); one whose failure carried progress answers that one.
func TestFailedKeepsProgress(t *testing.T) {
	f := newFixture(t)
	withProgress := event("f-own", job.Failed, 6, 15)
	f.track(event("f-12", job.Started, 0), event("f-12", job.InProgress, 1, 5), event("f-12", job.InProgress, 5, 12),
		event("f-12", job.Failed, 6),
		event("f-own", job.InProgress, 1, 10), withProgress,
		event("f-none", job.Started, 0), event("f-none", job.Failed, 1))
	cases := []struct {
		id   string
		want string // the progress field in the body, "" for none
	}{{"f-12", `"progress":12`}, {"f-own", `"progress":15`}, {"f-none", ""}}
	for _, tc := range cases {
		t.Run(tc.id, func(t *testing.T) {
			resp := f.do(getReq(t, tc.id, alice))
			if got := decodeJob(t, resp); got.Status != job.Failed {
				t.Fatalf("status %s; body %s", got.Status, resp.Body)
			}
			if tc.want == "" && strings.Contains(resp.Body, `"progress"`) || tc.want != "" && !strings.Contains(resp.Body, tc.want) {
				t.Errorf("body %s, want %q", resp.Body, tc.want)
			}
		})
	}
}

// TestStalled: a job that is not final is stalled once it has been silent for longer than the
// stall window, by the handler's clock; a final job never is; the window is always in the body.
func TestStalled(t *testing.T) {
	f := newFixture(t)
	f.track(event("running", job.Started, 0), event("running", job.InProgress, 5, 42.5),
		event("quiet", job.Started, 5), event("finished", job.Started, 0), event("finished", job.Success, 5))
	lastHeard := t0.Add(5 * time.Minute)
	cases := []struct {
		name    string
		id      string
		window  time.Duration
		now     time.Time
		stalled bool
	}{
		{"heard from just now", "running", testWindow, lastHeard, false},
		{"silent for the whole window", "running", testWindow, lastHeard.Add(testWindow), false},
		{"silent a second longer", "running", testWindow, lastHeard.Add(testWindow + time.Second), true},
		{"started and silent", "quiet", testWindow, lastHeard.Add(time.Hour), true},
		{"finished long ago", "finished", testWindow, lastHeard.Add(30 * 24 * time.Hour), false},
		{"short window", "running", 2 * time.Second, lastHeard.Add(3 * time.Second), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.now, f.h.StallWindow = tc.now, tc.window
			resp := f.do(getReq(t, tc.id, alice))
			got := decodeJob(t, resp)
			if got.Stalled != tc.stalled || got.StallWindowSeconds != int64(tc.window/time.Second) {
				t.Errorf("stalled %t window %d s, want %t %v; body %s", got.Stalled, got.StallWindowSeconds, tc.stalled, tc.window, resp.Body)
			}
			if !strings.Contains(resp.Body, `"stall_window_seconds":`) {
				t.Errorf("body %s lacks stall_window_seconds", resp.Body)
			}
		})
	}
	t.Run("in the list too", func(t *testing.T) {
		f.now, f.h.StallWindow = lastHeard.Add(time.Hour), testWindow
		var list statusapi.JobList
		if err := json.Unmarshal([]byte(f.do(listReq(t, "", alice)).Body), &list); err != nil {
			t.Fatal(err)
		}
		stalled := map[string]bool{}
		for _, j := range list.Items {
			stalled[j.RequestID] = j.Stalled
		}
		if !stalled["running"] || !stalled["quiet"] || stalled["finished"] || len(stalled) != 3 {
			t.Errorf("stalled %v", stalled)
		}
	})
}

// TestJobsOwnStallWindow: a job's stall_after_seconds replaces the server's window for it, and
// its name is shown.
func TestJobsOwnStallWindow(t *testing.T) {
	f := newFixture(t)
	own := event("own-window", job.Started, 0)
	own.Name, own.StallAfter = "bert finetune", 2*time.Hour
	f.track(own, event("server-window", job.Started, 0))
	cases := []struct {
		id         string
		wantName   string
		wantWindow time.Duration
		wantStall  bool
	}{
		{"own-window", "bert finetune", 2 * time.Hour, false},
		{"server-window", "", testWindow, true},
	}
	f.now, f.h.StallWindow = t0.Add(time.Hour), testWindow
	for _, tc := range cases {
		got := decodeJob(t, f.do(getReq(t, tc.id, alice)))
		if got.Name != tc.wantName || got.StallWindowSeconds != int64(tc.wantWindow/time.Second) || got.Stalled != tc.wantStall {
			t.Errorf("%s: name %q window %d stalled %t, want %q %v %t", tc.id, got.Name, got.StallWindowSeconds, got.Stalled, tc.wantName, tc.wantWindow, tc.wantStall)
		}
	}
}

// TestStoredJobThatCannotBeShown: a stored time the tracker never writes is a 500 (logged at
// ERROR with the job's key), not a guess.
func TestStoredJobThatCannotBeShown(t *testing.T) {
	f := newFixture(t)
	badTime := item("bad-time", alice, job.InProgress, 0, 5)
	badTime.UpdatedAt = "yesterday"
	badOrder := item("bad-order", alice, job.InProgress, 0, 5)
	badOrder.FirstReport, badOrder.FirstReportProgress = "2026-11-24T10:01:00Z", ptr(10.0)
	f.seed(badTime, badOrder)
	for _, id := range []string{"bad-time", "bad-order"} {
		t.Run(id, func(t *testing.T) {
			f.logs.Reset()
			resp := f.do(getReq(t, id, alice))
			if resp.StatusCode != 500 || errorCode(t, resp) != CodeInternal {
				t.Fatalf("%d %s", resp.StatusCode, resp.Body)
			}
			if l := logLines(t, f); len(l) != 1 || l[0]["level"] != "ERROR" || !strings.Contains(l[0]["error"].(string), alice+"/"+id) {
				t.Errorf("log:\n%s", f.logs)
			}
		})
	}
}
