package stack

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// scheduler plays EventBridge's scheduled rules of deploy.Schedules: a ticker per schedule
// invokes its function with a "Scheduled Event" like the one EventBridge sends. Like EventBridge,
// it does not wait for a run to end before the next is due (runs may overlap, up to the
// function's emulators), and it does not retry a failed run: the next tick is the retry.
type scheduler struct {
	lambda invoke.Invoker
	mu     sync.Mutex
	runs   map[string]int // completed runs by function
	cond   *sync.Cond
}

// startSchedules starts the tickers: every cfg.ScheduleEvery when set (tests, a demo), else each
// schedule's own period. They stop with Close.
func (s *Stack) startSchedules(ctx context.Context, cfg Config, lambda invoke.Invoker) {
	sc := &scheduler{lambda: lambda, runs: map[string]int{}}
	sc.cond = sync.NewCond(&sc.mu)
	s.schedules = sc
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	for _, sched := range deploy.Schedules {
		every := sched.Every
		if cfg.ScheduleEvery > 0 {
			every = cfg.ScheduleEvery
		}
		wg.Go(func() {
			t := time.NewTicker(every)
			defer t.Stop()
			var runs sync.WaitGroup
			defer runs.Wait()
			for {
				select {
				case <-runCtx.Done():
					return
				case <-t.C:
					runs.Go(func() {
						if _, err := s.RunSchedule(runCtx, sched.Function); err != nil && runCtx.Err() == nil {
							s.log.Warn("scheduled run failed", "function", sched.Function, "err", err)
						}
					})
				}
			}
		})
	}
	s.addCloser(func() { cancel(); wg.Wait() })
	s.log.Info("schedules ready", "count", len(deploy.Schedules), "every", cfg.ScheduleEvery.String())
}

// RunSchedule invokes a scheduled function once, now, as its rule would (tests call it to run a
// sweep at a known moment, or two at once). An error is a failed invoke or a function error.
func (s *Stack) RunSchedule(ctx context.Context, function string) (invoke.Result, error) {
	ev := events.EventBridgeEvent{
		Version: "0", ID: fmt.Sprintf("local-%d", time.Now().UnixNano()), DetailType: "Scheduled Event",
		Source: "aws.events", AccountID: "000000000000", Time: time.Now().UTC(), Region: region,
		Resources: []string{"arn:aws:events:" + region + ":000000000000:rule/" + function + "-schedule"},
		Detail:    json.RawMessage(`{}`),
	}
	payload, err := json.Marshal(ev)
	if err != nil {
		return invoke.Result{}, err
	}
	res, err := s.schedules.lambda.Invoke(ctx, function, payload)
	s.schedules.mu.Lock()
	s.schedules.runs[function]++
	s.schedules.cond.Broadcast()
	s.schedules.mu.Unlock()
	if err == nil && res.FunctionError != "" {
		err = fmt.Errorf("%s: %s: %s", function, res.FunctionError, res.Payload)
	}
	return res, err
}

// ScheduledRuns returns how many runs of function have completed (ticks and RunSchedule calls).
func (s *Stack) ScheduledRuns(function string) int {
	s.schedules.mu.Lock()
	defer s.schedules.mu.Unlock()
	return s.schedules.runs[function]
}

// WaitScheduledRuns blocks until function has completed at least n runs, or ctx ends: a test
// synchronises on the sweep having run, never on a sleep.
func (s *Stack) WaitScheduledRuns(ctx context.Context, function string, n int) error {
	stop := context.AfterFunc(ctx, func() {
		s.schedules.mu.Lock()
		s.schedules.cond.Broadcast()
		s.schedules.mu.Unlock()
	})
	defer stop()
	s.schedules.mu.Lock()
	defer s.schedules.mu.Unlock()
	for s.schedules.runs[function] < n {
		if ctx.Err() != nil {
			return fmt.Errorf("%s ran %d times, want %d: %w", function, s.schedules.runs[function], n, ctx.Err())
		}
		s.schedules.cond.Wait()
	}
	return nil
}
