package demo

import (
	"fmt"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// step is one event the simulated job sends. Times count from the moment the job is visible
// through the API (STARTED is sent before it, at its own time).
type step struct {
	label    string
	sendAt   time.Duration // when it is sent
	at       time.Duration // its event_time
	status   job.Status
	progress float64 // < 0: none
	message  string
	foreign  bool // sent with another user_id: the poison message
}

// plan is the simulated training job, in the order it is sent.
var plan = []step{
	{label: "STARTED", status: job.Started, progress: -1, message: "queued on gpu-0"},
	{label: "epoch 1/5", sendAt: 300 * time.Millisecond, at: 300 * time.Millisecond, status: job.InProgress, progress: 20, message: "epoch 1/5 loss 2.31"},
	{label: "epoch 1/5 again (duplicate)", sendAt: 500 * time.Millisecond, at: 300 * time.Millisecond, status: job.InProgress, progress: 20, message: "epoch 1/5 loss 2.31"},
	{label: "epoch 2/5", sendAt: 1100 * time.Millisecond, at: 1100 * time.Millisecond, status: job.InProgress, progress: 40, message: "epoch 2/5 loss 1.72"},
	{label: "poison: the same job under another user_id", sendAt: 1400 * time.Millisecond, at: 1400 * time.Millisecond, status: job.InProgress, progress: 45, message: "not mine", foreign: true},
	{label: "epoch 3/5", sendAt: 1900 * time.Millisecond, at: 1900 * time.Millisecond, status: job.InProgress, progress: 60, message: "epoch 3/5 loss 1.20"},
	{label: "epoch 4/5", sendAt: 2700 * time.Millisecond, at: 2700 * time.Millisecond, status: job.InProgress, progress: 80, message: "epoch 4/5 loss 0.88"},
	{label: "checkpoint timed before epoch 3, sent after epoch 4 (out of order)", sendAt: 3000 * time.Millisecond, at: 1500 * time.Millisecond, status: job.InProgress, progress: 50, message: "checkpoint 2 saved"},
	{label: "SUCCESS", sendAt: 3700 * time.Millisecond, at: 3700 * time.Millisecond, status: job.Success, progress: 100, message: "model saved"},
}

// schedule is the plan placed in time: STARTED at started, the rest from base.
type schedule struct {
	started, base time.Time
}

// eventTime is the event_time of step i.
func (s schedule) eventTime(i int) time.Time {
	if i == 0 {
		return s.started
	}
	return s.base.Add(plan[i].at)
}

// sendArgs is the `trainstatus send` command line of step i for job id owned by owner.
func (s schedule) sendArgs(i int, id, owner, intruder string) []string {
	p := plan[i]
	user := owner
	if p.foreign {
		user = intruder
	}
	args := []string{"send", "--request-id", id, "--user-id", user, "--status", string(p.status),
		"--time", job.FormatTime(s.eventTime(i)), "--message", p.message}
	if p.progress >= 0 {
		args = append(args, "--progress", strconv.FormatFloat(p.progress, 'f', -1, 64))
	}
	return args
}

// expected is the record the job must end with: the last event's status, progress and
// message; each stage time the earliest event of that stage (the duplicate and the late
// checkpoint change nothing, the poison is not applied).
func (s schedule) expected(id, owner string) tables.StatusItem {
	last := len(plan) - 1
	firstProgress := 1
	progress := plan[last].progress
	return tables.StatusItem{
		RequestID:    id,
		UserID:       owner,
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

// diff lists the fields of got that differ from want (those the API shows).
func diff(got, want tables.StatusItem) []string {
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
	return out
}

func num(p *float64) string {
	if p == nil {
		return "none"
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}
