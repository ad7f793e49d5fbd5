package demo

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

var (
	t0    = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	sched = schedule{started: t0, base: t0.Add(1200 * time.Millisecond)}
)

// flag returns the value of --name in args.
func flag(args []string, name string) string {
	i := slices.Index(args, "--"+name)
	if i < 0 || i+1 >= len(args) {
		return ""
	}
	return args[i+1]
}

func TestSendArgs(t *testing.T) {
	tests := []struct {
		step                           int
		wantStatus, wantUser, wantTime string
		wantProgress                   string
	}{
		{0, "STARTED", "sub-1", "2026-11-25T09:00:00.000000Z", ""},
		{1, "IN_PROGRESS", "sub-1", "2026-11-25T09:00:01.500000Z", "20"},
		{2, "IN_PROGRESS", "sub-1", "2026-11-25T09:00:01.500000Z", "20"}, // the duplicate: same time
		{4, "IN_PROGRESS", "sub-1", "2025-11-25T09:00:02.600000Z", "45"}, // the poison: a year before its place

		{7, "IN_PROGRESS", "sub-1", "2026-11-25T09:00:02.700000Z", "50"}, // late: before epoch 3 (3.1 s)
		{8, "SUCCESS", "sub-1", "2026-11-25T09:00:04.900000Z", "100"},
	}
	for _, tt := range tests {
		t.Run(plan[tt.step].label, func(t *testing.T) {
			args := sched.sendArgs(tt.step, "job-1", "sub-1")
			if args[0] != "send" || flag(args, "request-id") != "job-1" || flag(args, "status") != tt.wantStatus ||
				flag(args, "user-id") != tt.wantUser || flag(args, "time") != tt.wantTime || flag(args, "progress") != tt.wantProgress {
				t.Errorf("args %q", args)
			}
		})
	}
}

// TestPlan checks that the plan holds what the demo promises: a duplicate, a late event, one
// poison message older than the tracker keeps anything, and a schedule that sends in order of
// sendAt with no event from the future.
func TestPlan(t *testing.T) {
	if poisonAge <= tracker.DefaultRetention {
		t.Errorf("the poison is %s old, not older than the retention %s", poisonAge, tracker.DefaultRetention)
	}
	var dup, late, poison int
	for i, p := range plan {
		if p.at > p.sendAt {
			t.Errorf("step %d is timed after it is sent", i)
		}
		if i > 0 && p.sendAt <= plan[i-1].sendAt {
			t.Errorf("step %d is sent before step %d", i, i-1)
		}
		if p.poison {
			poison++
		}
		for _, q := range plan[:i] {
			if q.at == p.at && q.status == p.status && q.progress == p.progress && q.message == p.message && !p.poison {
				dup++
			}
			if p.at < q.at && p.status == q.status && !p.poison {
				late++
				break
			}
		}
	}
	if dup != 1 || late != 1 || poison != 1 || plan[0].status != job.Started || plan[len(plan)-1].status != job.Success {
		t.Errorf("plan has %d duplicates, %d late events, %d poison messages", dup, late, poison)
	}
}

func TestExpected(t *testing.T) {
	want := sched.expected("job-1")
	if want.Status != job.Success || *want.Progress != 100 || want.Message != "model saved" || want.ETA != "" || want.Stalled ||
		want.StartedAt != "2026-11-25T09:00:00.000000Z" || want.Timestamp != want.StartedAt ||
		want.InProgressAt != "2026-11-25T09:00:01.500000Z" || want.FinishedAt != "2026-11-25T09:00:04.900000Z" {
		t.Fatalf("expected %+v", want)
	}
	p80 := 80.0
	tests := []struct {
		name   string
		change func(*statusapi.Job)
		want   []string
	}{
		{"same", func(*statusapi.Job) {}, nil},
		{"late event applied", func(s *statusapi.Job) { s.InProgressAt = job.FormatTime(t0.Add(2700 * time.Millisecond)) },
			[]string{`in_progress_at = "2026-11-25T09:00:02.700000Z", want "2026-11-25T09:00:01.500000Z"`}},
		{"not finished", func(s *statusapi.Job) { s.Status, s.Progress, s.FinishedAt = job.InProgress, &p80, "" },
			[]string{`status = "IN_PROGRESS", want "SUCCESS"`, `progress = "80", want "100"`, `finished_at = "", want "2026-11-25T09:00:04.900000Z"`}},
		{"no progress", func(s *statusapi.Job) { s.Progress = nil }, []string{`progress = "none", want "100"`}},
		{"an ETA on a final job", func(s *statusapi.Job) { s.ETA = "2026-11-25T09:00:05.000000Z" }, []string{`eta = "2026-11-25T09:00:05.000000Z", want ""`}},
		{"stalled", func(s *statusapi.Job) { s.Stalled = true }, []string{`stalled = "true", want "false"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sched.expected("job-1")
			tt.change(&got)
			if d := diff(got, want); strings.Join(d, "|") != strings.Join(tt.want, "|") {
				t.Errorf("diff = %q, want %q", d, tt.want)
			}
		})
	}
}

// TestETAAt: the ETA the events give while the job shows one of its reports. Epoch 1 (20% at
// +1.5 s) is the first report; epoch 2 (40% at +2.3 s) moved 20 points in 0.8 s, so 60 more take
// 2.4 s: +4.7 s.
func TestETAAt(t *testing.T) {
	p := func(v float64) *float64 { return &v }
	at := func(i int) string { return job.FormatTime(sched.eventTime(i)) }
	tests := []struct {
		name    string
		shown   statusapi.Job
		want    string
		matches bool
	}{
		{"epoch 1: one report, no estimate", statusapi.Job{Progress: p(20), UpdatedAt: at(1)}, "", true},
		{"epoch 2", statusapi.Job{Progress: p(40), UpdatedAt: at(3)}, "2026-11-25T09:00:04.700000Z", true},
		{"epoch 4: the same rate", statusapi.Job{Progress: p(80), UpdatedAt: at(6)}, "2026-11-25T09:00:04.700000Z", true},
		{"not a report of the plan", statusapi.Job{Progress: p(40), UpdatedAt: at(1)}, "", false},
		{"the poison is never shown", statusapi.Job{Progress: p(45), UpdatedAt: at(4)}, "", false},
		{"no progress", statusapi.Job{UpdatedAt: at(0)}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sched.etaAt(tt.shown)
			if got != tt.want || ok != tt.matches {
				t.Errorf("etaAt = %q, %v; want %q, %v", got, ok, tt.want, tt.matches)
			}
		})
	}
}

// TestOtherExpected: the second user's job, placed before now, is still training, with the ETA
// its two reports give and its stage times from its events.
func TestOtherExpected(t *testing.T) {
	now := time.Date(2026, 11, 25, 9, 0, 0, 123456789, time.UTC)
	at := otherTimes(now)
	got := otherExpected("job-1", at)
	want := statusapi.Job{RequestID: "job-1", Status: job.InProgress, Message: "epoch 3/10",
		Timestamp: "2026-11-25T08:50:00.123456Z", StartedAt: "2026-11-25T08:50:00.123456Z",
		InProgressAt: "2026-11-25T08:52:00.123456Z", UpdatedAt: "2026-11-25T08:56:00.123456Z",
		ETA: "2026-11-25T09:10:00.123456Z"} // 20 points in 4 min, 70 to go: 14 min after 08:56
	want.Progress = got.Progress
	if d := diff(got, want); len(d) > 0 || *got.Progress != 30 {
		t.Errorf("otherExpected: %q (progress %s)", d, num(got.Progress))
	}
	if window := job.DefaultStallWindow; now.Sub(at[len(at)-1]) >= window {
		t.Errorf("the job is silent for %s, past the stall window %s", now.Sub(at[len(at)-1]), window)
	}
}
