package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// errStoredJob: a stored job holds a time the tracker would never have written. Showing it would
// need a guess, so the request fails (500, logged at ERROR with the item's key) and a person looks.
var errStoredJob = errors.New("stored job cannot be shown")

// view turns stored jobs into the API's body, at one instant and with one stall window. This is
// the only place that knows both shapes: the stored item is a storage detail, statusapi.Job a
// promise to clients.
type view struct {
	now         time.Time
	stallWindow time.Duration
}

// job maps it to the API's Job: the stored fields, then what is derived from them.
//   - eta: job.EstimateFinish from the first progress report (first_report, an order key, and
//     first_report_progress) and the last one (updated_at, progress), only while the job is not
//     final. It depends on stored fields only, so it changes only when an event changes the job.
//   - progress: for a FAILED job whose failure carried none, the latest progress reported
//     (last_report_progress), so a client sees how far it got.
//   - stalled: job.Stalled, silent (since updated_at) longer than the stall window: the job's
//     own (stall_after_seconds) or the server's.
func (v view) job(it tables.StatusItem) (statusapi.Job, error) {
	window := it.StallWindow(v.stallWindow)
	j := statusapi.Job{
		RequestID: it.RequestID, Name: it.Name, Status: it.Status, Timestamp: it.Timestamp, UpdatedAt: it.UpdatedAt,
		Progress: it.Progress, Message: it.Message, Error: it.Error,
		StartedAt: it.StartedAt, InProgressAt: it.InProgressAt, FinishedAt: it.FinishedAt,
		StallWindowSeconds: int64(window / time.Second),
	}
	if it.Status == job.Failed && j.Progress == nil {
		j.Progress = it.LastReportProgress
	}
	if it.Status.Final() {
		return j, nil
	}
	lastHeard, err := job.ParseTime(it.UpdatedAt)
	if err != nil {
		return j, fmt.Errorf("%w: job %s/%s: updated_at: %w", errStoredJob, it.UserID, it.RequestID, err)
	}
	j.Stalled = job.Stalled(it.Status, lastHeard, v.now, window)
	if it.FirstReport == "" || it.FirstReportProgress == nil || it.Progress == nil {
		return j, nil // fewer than one progress report: nothing to extrapolate
	}
	first, err := trainevent.OrderKeyTime(it.FirstReport)
	if err != nil {
		return j, fmt.Errorf("%w: job %s/%s: first_report: %w", errStoredJob, it.UserID, it.RequestID, err)
	}
	eta, ok := job.EstimateFinish(
		job.Report{At: first, Progress: *it.FirstReportProgress},
		job.Report{At: lastHeard, Progress: *it.Progress},
	)
	if ok {
		j.ETA = job.FormatTime(eta)
	}
	return j, nil
}
