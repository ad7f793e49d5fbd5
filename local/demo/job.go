package demo

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"time"
)

// jobRun is the simulated job once sent.
type jobRun struct {
	id    string
	sched schedule
}

// runJob sends STARTED, waits until the API shows the job, then sends the rest of the plan on
// its schedule while `trainstatus watch` draws the job's progress, until SUCCESS.
func (d *demo) runJob(ctx context.Context, c cli, api, token, sub string) (jobRun, error) {
	j := jobRun{id: "demo-" + time.Now().UTC().Format("20060102-150405") + "-" + randomHex(3)}
	intruder := "intruder-" + randomHex(4)
	d.section(fmt.Sprintf("training job %s, reporting through `trainstatus send` (one process per event):", j.id))
	for i, p := range plan {
		d.printf("    %d. %s\n", i+1, p.label)
	}
	j.sched.started = time.Now()
	if _, err := c.run(ctx, j.sched.sendArgs(0, j.id, sub, intruder)...); err != nil {
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
	sent := make(chan error, 1)
	go func() { sent <- d.sendRest(wctx, c, j, sub, intruder) }()
	werr := watch.Wait()
	if werr != nil {
		cancel() // no one is watching: stop sending
		werr = fmt.Errorf("trainstatus watch: %w", werr)
	}
	if serr := <-sent; serr != nil && werr == nil {
		return j, serr
	}
	return j, werr
}

// sendRest sends plan[1:] at their times.
func (d *demo) sendRest(ctx context.Context, c cli, j jobRun, sub, intruder string) error {
	for i := 1; i < len(plan); i++ {
		t := time.NewTimer(time.Until(j.sched.base.Add(plan[i].sendAt)))
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		if _, err := c.run(ctx, j.sched.sendArgs(i, j.id, sub, intruder)...); err != nil {
			return fmt.Errorf("sending %q: %w", plan[i].label, err)
		}
	}
	return nil
}

// waitVisible polls the API until it answers 200 for the job.
func waitVisible(ctx context.Context, api, token, id string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		a, err := get(ctx, api, jobPath(id), token, "")
		if err == nil && a.code == http.StatusOK {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("job %s not visible through the API after %s (last answer %d %s, %v)", id, limit, a.code, a.body, err)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
