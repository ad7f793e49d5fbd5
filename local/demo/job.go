package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// jobRun is the simulated job once sent.
type jobRun struct {
	id    string
	sched schedule
	// seen are the bodies the API gave while the job ran (observe).
	seen []statusapi.Job
	// finalSent is when `trainstatus send` of the final event returned: the email is timed from it.
	finalSent time.Time
}

// runJob sends STARTED, waits until the API shows the job, then sends the rest of the plan on
// its schedule while `trainstatus watch` draws the job's progress, until SUCCESS.
func (d *demo) runJob(ctx context.Context, c cli, api, token, sub string) (jobRun, error) {
	j := jobRun{id: "demo-" + time.Now().UTC().Format("20060102-150405") + "-" + randomHex(3)}
	d.section(fmt.Sprintf("training job %s, reporting through `trainstatus send` (one process per event):", j.id))
	for i, p := range plan {
		d.printf("    %d. %s\n", i+1, p.label)
	}
	j.sched.started = time.Now()
	if _, err := c.run(ctx, j.sched.sendArgs(0, j.id, sub)...); err != nil {
		return j, err
	}
	if err := waitVisible(ctx, api, token, j.id, 20*time.Second); err != nil {
		return j, err
	}
	d.printf("    STARTED is visible; `trainstatus watch %s --interval %s` polls GET /status/{id} with If-None-Match:\n", j.id, d.cfg.WatchInterval)

	j.sched.base = time.Now()
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	watch := c.command(wctx, "watch", j.id, "--interval", d.cfg.WatchInterval.String(), "--timeout", "45s")
	watch.Stdout, watch.Stderr = d.out, d.out
	if err := watch.Start(); err != nil {
		return j, fmt.Errorf("starting trainstatus watch: %w", err)
	}
	observed := make(chan []statusapi.Job, 1)
	go func() { observed <- observe(wctx, api, token, j.id, d.cfg.WatchInterval) }()
	sent := make(chan error, 1)
	go func() {
		err := d.sendRest(wctx, c, &j, sub)
		if err != nil {
			cancel() // the job will not finish: stop watching it
		}
		sent <- err
	}()
	werr := watch.Wait()
	if werr != nil {
		cancel() // no one is watching: stop sending
		werr = fmt.Errorf("trainstatus watch: %w", werr)
	}
	serr := <-sent
	cancel()
	j.seen = <-observed
	if serr != nil && !errors.Is(serr, context.Canceled) {
		return j, serr // the cause; watch was stopped because of it
	}
	return j, werr
}

// sendRest sends plan[1:] at their times.
func (d *demo) sendRest(ctx context.Context, c cli, j *jobRun, sub string) error {
	for i := 1; i < len(plan); i++ {
		t := time.NewTimer(time.Until(j.sched.base.Add(plan[i].sendAt)))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if _, err := c.run(ctx, j.sched.sendArgs(i, j.id, sub)...); err != nil {
			return fmt.Errorf("sending %q: %w", plan[i].label, err)
		}
		if plan[i].status.Final() {
			j.finalSent = time.Now()
		}
	}
	return nil
}

// waitVisible polls the API until it answers 200 for the job.
func waitVisible(ctx context.Context, api, token, id string, limit time.Duration) error {
	_, err := waitJob(ctx, api, token, id, limit, func([]byte) bool { return true })
	return err
}

// waitJob polls the API every 100 ms until it answers 200 for the job with a body that done
// accepts, and returns that answer.
func waitJob(ctx context.Context, api, token, id string, limit time.Duration, done func(body []byte) bool) (answer, error) {
	deadline := time.Now().Add(limit)
	for {
		a, err := get(ctx, api, jobPath(id), token, "")
		if err == nil && a.code == http.StatusOK && done(a.body) {
			return a, nil
		}
		if time.Now().After(deadline) {
			return a, fmt.Errorf("job %s not shown as expected by the API after %s (last answer %d %s, %v)", id, limit, a.code, a.body, err)
		}
		select {
		case <-ctx.Done():
			return a, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
