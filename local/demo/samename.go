package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// otherStep is one event of the second user's job, which has the same request_id as the
// owner's: a job is (user, request), so it is simply his job, and each user sees their own.
type otherStep struct {
	ago      time.Duration // its event_time, before the moment it is sent
	status   job.Status
	progress float64 // < 0: none
	message  string
}

// otherPlan is a run that started ten minutes ago and is still training: two progress reports,
// so the API gives it an ETA (EstimateFinish: 20 points in 4 min, 70 to go: 14 min after the
// last report, 10 min from now), and it was last heard from 4 min ago, within the default stall
// window (15 min), so it is not stalled.
var otherPlan = []otherStep{
	{ago: 10 * time.Minute, status: job.Started, progress: -1, message: "queued on gpu-1"},
	{ago: 8 * time.Minute, status: job.InProgress, progress: 10, message: "epoch 1/10"},
	{ago: 4 * time.Minute, status: job.InProgress, progress: 30, message: "epoch 3/10"},
}

// otherTimes places otherPlan before now, as the events carry the times.
func otherTimes(now time.Time) []time.Time {
	out := make([]time.Time, len(otherPlan))
	for i, p := range otherPlan {
		out[i] = wireTime(now.Add(-p.ago))
	}
	return out
}

// otherExpected is what the API must show the second user: his last report, with the ETA the
// two reports give.
func otherExpected(id string, at []time.Time) statusapi.Job {
	first, last := 1, len(otherPlan)-1
	progress := otherPlan[last].progress
	eta, _ := job.EstimateFinish(job.Report{At: at[first], Progress: otherPlan[first].progress},
		job.Report{At: at[last], Progress: progress})
	return statusapi.Job{
		RequestID:    id,
		Status:       otherPlan[last].status,
		Progress:     &progress,
		Message:      otherPlan[last].message,
		Timestamp:    job.FormatTime(at[0]),
		StartedAt:    job.FormatTime(at[0]),
		InProgressAt: job.FormatTime(at[first]),
		UpdatedAt:    job.FormatTime(at[last]),
		ETA:          job.FormatTime(eta),
	}
}

// checkSameName has the second user run a job of the same request_id as the owner's finished
// one: each must see their own, and the owner's is untouched (its ETag still answers 304).
func (d *demo) checkSameName(ctx context.Context, c cli, other cognito.User, otherSub string, owner cognito.User, j jobRun, ownerETag string) error {
	s := d.st.State
	at := otherTimes(time.Now())
	for i, p := range otherPlan {
		if _, err := c.run(ctx, sendArgs(j.id, otherSub, p.status, at[i], p.progress, p.message)...); err != nil {
			return fmt.Errorf("sending %s's event %d: %w", other.Email, i+1, err)
		}
	}
	want := otherExpected(j.id, at)
	// His events may arrive in any order: wait until all three are applied.
	a, err := waitJob(ctx, s.HTTPEndpoint, other.IDToken, j.id, 20*time.Second, func(body []byte) bool {
		var got statusapi.Job
		return json.Unmarshal(body, &got) == nil && len(diff(got, want)) == 0
	})
	if err != nil && a.code == http.StatusOK {
		err = expectJob(a, want) // says which fields differ
	}
	d.check(fmt.Sprintf("%s runs his own %s (the same request_id), still training, with an ETA", other.Email, j.id), err, string(a.body))

	b, err := get(ctx, s.HTTPEndpoint, jobPath(j.id), owner.IDToken, ownerETag)
	if err == nil && b.code != http.StatusNotModified {
		err = fmt.Errorf("answered %d %s, want 304 (her job unchanged)", b.code, b.body)
	}
	d.check(fmt.Sprintf("%s still sees her own %s", owner.Email, j.id), err, "304 Not Modified: unchanged by his events")
	return nil
}
