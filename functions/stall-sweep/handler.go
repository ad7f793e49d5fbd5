package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// DeadlineMargin is the time left before the invocation's deadline under which the sweep stops
// starting work: what it did not reach, the next sweep does.
const DeadlineMargin = 3 * time.Second

// ErrIncomplete: the sweep could not read every shard or record every stall it found. The next
// sweep tries again; the error marks the invocation failed, which the function's error alarm
// counts.
var ErrIncomplete = errors.New("stall-sweep: incomplete sweep")

// Handler finds jobs that are not final and silent past their stall window, through the
// open-jobs index (one Query per shard, never a Scan, then BatchGetItem of the jobs it lists), and
// records one alert per silence.
type Handler struct {
	Jobs *ddb.Table[tables.StatusItem]
	// StallWindow is the deployment's window, for jobs that gave none of their own.
	StallWindow time.Duration
	Log         *slog.Logger
	Metrics     *emf.Writer
	Now         func() time.Time
}

// Summary is what one sweep did: the count of each outcome.
type Summary map[Outcome]int

// Handle runs one sweep. The schedule's event carries nothing the sweep needs.
func (h *Handler) Handle(ctx context.Context, _ events.EventBridgeEvent) (Summary, error) {
	start := time.Now()
	log := lambdalog.ForInvocation(ctx, h.Log)
	now := h.Now()
	// The shards at once: a sweep takes about as long as its largest shard, not their sum.
	shardCounts := make([]Summary, tables.OpenShards)
	errs := make([]error, tables.OpenShards)
	var wg sync.WaitGroup
	for i := range tables.OpenShards {
		shardCounts[i] = Summary{}
		wg.Go(func() {
			if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < DeadlineMargin {
				errs[i] = fmt.Errorf("out of time before shard %d", i)
				return
			}
			if err := h.sweepShard(ctx, log, tables.OpenShardName(i), now, shardCounts[i]); err != nil {
				log.Error("shard", "shard", tables.OpenShardName(i), "error", err.Error())
				errs[i] = err
			}
		})
	}
	wg.Wait()
	counts := Summary{}
	for _, c := range shardCounts {
		for o, n := range c {
			counts[o] += n
		}
	}
	metrics := make([]emf.Metric, 0, len(Outcomes)+1)
	for _, o := range Outcomes {
		metrics = append(metrics, emf.Metric{Name: string(o), Value: int64(counts[o]), Unit: emf.Count})
	}
	h.Metrics.Write(append(metrics, emf.Metric{Name: "DurationMs", Value: time.Since(start).Milliseconds(), Unit: emf.Milliseconds})...)
	log.Info("sweep", "running", counts[Running], "alerted", counts[Alerted], "already_alerted", counts[AlreadyAlerted],
		"raced", counts[Raced], "failed", counts[Failed])
	if err := errors.Join(errs...); err != nil || counts[Failed] > 0 {
		return counts, fmt.Errorf("%w: %d failed jobs: %w", ErrIncomplete, counts[Failed], err)
	}
	return counts, nil
}

// sweepShard reads one shard of the index (the keys of its open jobs, page after page), then the
// jobs themselves (BatchGetItem, 100 a call), and judges each. An error of a read ends the shard;
// an error of one job's write is counted and the shard goes on.
func (h *Handler) sweepShard(ctx context.Context, log *slog.Logger, shard string, now time.Time, counts Summary) error {
	var keys []ddb.Key
	for it, err := range h.Jobs.Query(shard).Index(tables.IndexOpen).All(ctx) {
		if err != nil {
			return fmt.Errorf("query %s: %w", shard, err)
		}
		keys = append(keys, tables.StatusKey(it.UserID, it.RequestID))
	}
	if len(keys) == 0 {
		return nil
	}
	// A job gone since the index listed it (its TTL) is simply absent.
	jobs, err := h.Jobs.BatchGet(keys...).All(ctx)
	if err != nil {
		return fmt.Errorf("read the open jobs of %s: %w", shard, err)
	}
	for _, it := range jobs {
		o, err := h.judge(ctx, it, now)
		counts[o]++
		attrs := []any{"outcome", o, "user_id", it.UserID, "request_id", it.RequestID, "updated_at", it.UpdatedAt,
			"stall_window_seconds", int64(it.StallWindow(h.StallWindow) / time.Second)}
		switch {
		case err != nil:
			log.Error("job", append(attrs, "error", err.Error())...)
		case o == Alerted:
			log.Info("job", attrs...)
		case o == Raced:
			log.Debug("job", attrs...)
		}
	}
	return nil
}

// judge decides one job, and records the alert when it is due. (The index is eventually
// consistent: a job that ended a moment ago may still be listed; job.Stalled says a final job
// never stalls, so it counts as running.)
func (h *Handler) judge(ctx context.Context, it tables.StatusItem, now time.Time) (Outcome, error) {
	lastHeard, err := job.ParseTime(it.UpdatedAt)
	if err != nil {
		return Failed, fmt.Errorf("updated_at: %w", err)
	}
	switch {
	case !job.Stalled(it.Status, lastHeard, now, it.StallWindow(h.StallWindow)):
		return Running, nil
	case it.StallAlertedFor == it.UpdatedAt:
		return AlreadyAlerted, nil
	}
	return h.record(ctx, it)
}

// record writes the stall episode: stall_alerted_for = the updated_at the sweep judged, on the
// condition that the job is still open, still silent since then (no event applied: the tracker
// would have moved updated_at and removed stall_alerted_for) and not yet alerted. So of two
// overlapping sweeps, or a retried one, exactly one write succeeds per silence, and a job that
// reported meanwhile is not alerted. The job is never marked FAILED: silence is not failure.
func (h *Handler) record(ctx context.Context, it tables.StatusItem) (Outcome, error) {
	cond := expression.AttributeExists(expression.Name(tables.AttrOpenShard)).
		And(expression.Name(tables.AttrUpdatedAt).Equal(expression.Value(it.UpdatedAt))).
		And(expression.AttributeNotExists(expression.Name(tables.AttrStallAlertedFor)))
	err := h.Jobs.Update(tables.StatusKey(it.UserID, it.RequestID)).
		Set(tables.AttrStallAlertedFor, it.UpdatedAt).If(cond).Run(ctx)
	switch {
	case err == nil:
		return Alerted, nil
	case errors.Is(err, ddb.ErrConditionFailed), errors.Is(err, ddb.ErrNotFound):
		return Raced, nil
	}
	return Failed, err
}
