package demo

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
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
		{4, "IN_PROGRESS", "intruder", "2026-11-25T09:00:02.600000Z", "45"},
		{7, "IN_PROGRESS", "sub-1", "2026-11-25T09:00:02.700000Z", "50"}, // late: before epoch 3 (3.1 s)
		{8, "SUCCESS", "sub-1", "2026-11-25T09:00:04.900000Z", "100"},
	}
	for _, tt := range tests {
		t.Run(plan[tt.step].label, func(t *testing.T) {
			args := sched.sendArgs(tt.step, "job-1", "sub-1", "intruder")
			if args[0] != "send" || flag(args, "request-id") != "job-1" || flag(args, "status") != tt.wantStatus ||
				flag(args, "user-id") != tt.wantUser || flag(args, "time") != tt.wantTime || flag(args, "progress") != tt.wantProgress {
				t.Errorf("args %q", args)
			}
		})
	}
}

// TestPlan checks that the plan holds what the demo promises: a duplicate, a late event, one
// poison message, and a schedule that sends in order of sendAt with no event from the future.
func TestPlan(t *testing.T) {
	var dup, late, poison int
	for i, p := range plan {
		if p.at > p.sendAt {
			t.Errorf("step %d is timed after it is sent", i)
		}
		if i > 0 && p.sendAt <= plan[i-1].sendAt {
			t.Errorf("step %d is sent before step %d", i, i-1)
		}
		if p.foreign {
			poison++
		}
		for _, q := range plan[:i] {
			if q.at == p.at && q.status == p.status && q.progress == p.progress && q.message == p.message && !p.foreign {
				dup++
			}
			if p.at < q.at && p.status == q.status && !p.foreign {
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
	want := sched.expected("job-1", "sub-1")
	if want.Status != job.Success || *want.Progress != 100 || want.Message != "model saved" ||
		want.StartedAt != "2026-11-25T09:00:00.000000Z" || want.Timestamp != want.StartedAt ||
		want.InProgressAt != "2026-11-25T09:00:01.500000Z" || want.FinishedAt != "2026-11-25T09:00:04.900000Z" {
		t.Fatalf("expected %+v", want)
	}
	p80 := 80.0
	tests := []struct {
		name   string
		change func(*tables.StatusItem)
		want   []string
	}{
		{"same", func(*tables.StatusItem) {}, nil},
		{"late event applied", func(s *tables.StatusItem) { s.InProgressAt = job.FormatTime(t0.Add(2700 * time.Millisecond)) },
			[]string{`in_progress_at = "2026-11-25T09:00:02.700000Z", want "2026-11-25T09:00:01.500000Z"`}},
		{"not finished", func(s *tables.StatusItem) { s.Status, s.Progress, s.FinishedAt = job.InProgress, &p80, "" },
			[]string{`status = "IN_PROGRESS", want "SUCCESS"`, `progress = "80", want "100"`, `finished_at = "", want "2026-11-25T09:00:04.900000Z"`}},
		{"no progress", func(s *tables.StatusItem) { s.Progress = nil }, []string{`progress = "none", want "100"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sched.expected("job-1", "sub-1")
			tt.change(&got)
			if d := diff(got, want); strings.Join(d, "|") != strings.Join(tt.want, "|") {
				t.Errorf("diff = %q, want %q", d, tt.want)
			}
		})
	}
}
