package demo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// step is one event the simulated job sends. Times count from the moment the job is visible
// through the API (STARTED is sent before it, at its own time).
type step struct {
	label    string
	sendAt   time.Duration // when it is sent
	at       time.Duration // its event_time (for the poison: less poisonAge)
	status   job.Status
	progress float64 // < 0: none
	message  string
	// poison: the event is dated poisonAge before at, older than the tracker's retention, so
	// status-updater refuses it as expired and dead-letters it with that reason. (A valid event
	// otherwise: the CLI checks the format, which has no clock, and sends it.)
	poison bool
}

// poisonAge is how old the poison event is: a year, past the tracker's retention (90 days).
const poisonAge = 365 * 24 * time.Hour

// plan is the simulated training job, in the order it is sent.
var plan = []step{
	{label: "STARTED", status: job.Started, progress: -1, message: "queued on gpu-0"},
	{label: "epoch 1/5", sendAt: 300 * time.Millisecond, at: 300 * time.Millisecond, status: job.InProgress, progress: 20, message: "epoch 1/5 loss 2.31"},
	{label: "epoch 1/5 again (duplicate)", sendAt: 500 * time.Millisecond, at: 300 * time.Millisecond, status: job.InProgress, progress: 20, message: "epoch 1/5 loss 2.31"},
	{label: "epoch 2/5", sendAt: 1100 * time.Millisecond, at: 1100 * time.Millisecond, status: job.InProgress, progress: 40, message: "epoch 2/5 loss 1.72"},
	{label: "poison: a replay of last year's run, dated a year ago (expired)", sendAt: 1400 * time.Millisecond, at: 1400 * time.Millisecond, status: job.InProgress, progress: 45, message: "epoch 2/5 loss 1.90 (replayed)", poison: true},
	{label: "epoch 3/5", sendAt: 1900 * time.Millisecond, at: 1900 * time.Millisecond, status: job.InProgress, progress: 60, message: "epoch 3/5 loss 1.20"},
	{label: "epoch 4/5", sendAt: 2700 * time.Millisecond, at: 2700 * time.Millisecond, status: job.InProgress, progress: 80, message: "epoch 4/5 loss 0.88"},
	{label: "checkpoint timed before epoch 3, sent after epoch 4 (out of order)", sendAt: 3000 * time.Millisecond, at: 1500 * time.Millisecond, status: job.InProgress, progress: 50, message: "checkpoint 2 saved"},
	{label: "SUCCESS", sendAt: 3700 * time.Millisecond, at: 3700 * time.Millisecond, status: job.Success, progress: 100, message: "model saved"},
}

// schedule is the plan placed in time: STARTED at started, the rest from base.
type schedule struct {
	started, base time.Time
}

// eventTime is the event_time of step i, as it travels (job.FormatTime: UTC, microseconds).
func (s schedule) eventTime(i int) time.Time {
	t := s.started
	if i > 0 {
		t = s.base.Add(plan[i].at)
	}
	if plan[i].poison {
		t = t.Add(-poisonAge)
	}
	return wireTime(t)
}

// wireTime is t as an event carries it and the API gives it back.
func wireTime(t time.Time) time.Time {
	w, _ := job.ParseTime(job.FormatTime(t)) // FormatTime's output always parses
	return w
}

// sendArgs is the `trainstatus send` command line of step i for job id owned by owner.
func (s schedule) sendArgs(i int, id, owner string) []string {
	p := plan[i]
	return sendArgs(id, owner, p.status, s.eventTime(i), p.progress, p.message)
}

// sendArgs is the `trainstatus send` command line of one event.
func sendArgs(id, owner string, status job.Status, at time.Time, progress float64, message string) []string {
	args := []string{"send", "--request-id", id, "--user-id", owner, "--status", string(status),
		"--time", job.FormatTime(at), "--message", message}
	if progress >= 0 {
		args = append(args, "--progress", strconv.FormatFloat(progress, 'f', -1, 64))
	}
	return args
}

// expected is the job the API must show at the end: the last event's status, progress and
// message; each stage time the earliest event of that stage (the duplicate and the late
// checkpoint change nothing, the poison is not applied); no ETA and not stalled (it is final).
func (s schedule) expected(id string) statusapi.Job {
	last := len(plan) - 1
	firstProgress := 1
	progress := plan[last].progress
	return statusapi.Job{
		RequestID:    id,
		Status:       plan[last].status,
		Progress:     &progress,
		Message:      plan[last].message,
		Timestamp:    job.FormatTime(s.eventTime(0)),
		StartedAt:    job.FormatTime(s.eventTime(0)),
		InProgressAt: job.FormatTime(s.eventTime(firstProgress)),
		FinishedAt:   job.FormatTime(s.eventTime(last)),
		UpdatedAt:    job.FormatTime(s.eventTime(last)),
	}
}

// etaAt is the ETA the API must give while the job shows got, derived from the plan's events:
// job.EstimateFinish from the first progress report to the applied one got shows (found by its
// event time and progress). ok is false when got shows no progress report the plan sent.
func (s schedule) etaAt(got statusapi.Job) (eta string, ok bool) {
	first := -1
	for i, p := range plan {
		if p.progress < 0 || p.poison || p.status != job.InProgress {
			continue
		}
		if first < 0 {
			first = i
		}
		if got.Progress == nil || *got.Progress != p.progress || job.FormatTime(s.eventTime(i)) != got.UpdatedAt {
			continue
		}
		t, ok := job.EstimateFinish(job.Report{At: s.eventTime(first), Progress: plan[first].progress},
			job.Report{At: s.eventTime(i), Progress: p.progress})
		if !ok {
			return "", true // one report so far: no estimate
		}
		return job.FormatTime(t), true
	}
	return "", false
}

// diff lists the fields of got that differ from want (those the API shows; not the server's
// stall window).
func diff(got, want statusapi.Job) []string {
	var out []string
	field := func(name, g, w string) {
		if g != w {
			out = append(out, fmt.Sprintf("%s = %q, want %q", name, g, w))
		}
	}
	field("request_id", got.RequestID, want.RequestID)
	field("status", string(got.Status), string(want.Status))
	field("progress", num(got.Progress), num(want.Progress))
	field("message", got.Message, want.Message)
	field("error", got.Error, want.Error)
	field("timestamp", got.Timestamp, want.Timestamp)
	field("started_at", got.StartedAt, want.StartedAt)
	field("in_progress_at", got.InProgressAt, want.InProgressAt)
	field("finished_at", got.FinishedAt, want.FinishedAt)
	field("updated_at", got.UpdatedAt, want.UpdatedAt)
	field("eta", got.ETA, want.ETA)
	field("stalled", strconv.FormatBool(got.Stalled), strconv.FormatBool(want.Stalled))
	return out
}

func num(p *float64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}
