package invoke

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// stopWait bounds how long Pool.Stop waits for in-flight invokes to give their emulators back
// before it ends them anyway.
const stopWait = 2 * time.Second

// ErrStopped is returned by Invoke once the pool is stopped: for an invoke that arrives after
// Stop, one still waiting for an emulator, and one whose emulator Stop ended under it.
var ErrStopped = errors.New("pool stopped")

// Pool is a function's emulators; each serves one invoke at a time, so the pool's size is the
// function's concurrency. Invokes beyond it wait for a free emulator.
type Pool struct {
	fn   Function
	log  *slog.Logger
	all  []*Emulator
	free chan *Emulator

	// mu guards stopped; Invoke holds it for reading while it restarts an emulator, so that
	// once Stop has set stopped no emulator is started again.
	mu      sync.RWMutex
	stopped bool
	// stopping is closed when Stop begins, so that invokes waiting for an emulator leave.
	stopping chan struct{}
	stopOnce sync.Once
}

// StartPool starts fn.Concurrency emulators for fn.
func StartPool(ctx context.Context, log *slog.Logger, rie string, fn Function) (*Pool, error) {
	p := &Pool{fn: fn, log: log, free: make(chan *Emulator, fn.concurrency()), stopping: make(chan struct{})}
	for i := range fn.concurrency() {
		e, err := StartEmulator(ctx, log, rie, fn, i)
		if err != nil {
			p.Stop()
			return nil, err
		}
		p.all = append(p.all, e)
		p.free <- e
	}
	return p, nil
}

// Invoke waits for a free emulator (or ctx) and runs one invoke on it.
func (p *Pool) Invoke(ctx context.Context, requestID string, payload []byte) (Result, error) {
	var e *Emulator
	select {
	case e = <-p.free:
	case <-ctx.Done():
		return Result{}, ctx.Err()
	case <-p.stopping:
		return Result{}, ErrStopped
	}
	defer func() { p.free <- e }()
	select {
	case <-p.stopping: // both were ready and select chose the emulator
		return Result{}, ErrStopped
	default:
	}
	start := time.Now()
	res, restart, err := e.invoke(ctx, requestID, payload)
	if restart {
		p.mu.RLock()
		if p.stopped {
			err = errors.Join(err, ErrStopped)
		} else if rerr := e.Restart(context.WithoutCancel(ctx)); rerr != nil {
			p.log.Error("emulator restart failed", "function", p.fn.Name, "emulator", e.index, "err", rerr)
			err = errors.Join(err, rerr)
		} else {
			p.log.Warn("emulator restarted", "function", p.fn.Name, "emulator", e.index, "after", time.Since(start).String())
		}
		p.mu.RUnlock()
	}
	return res, err
}

// Stop ends every emulator of the pool: no emulator is restarted once it is called, and it waits
// up to stopWait for in-flight invokes to give their emulators back before ending them all.
func (p *Pool) Stop() {
	p.mu.Lock() // waits for restarts under way
	p.stopped = true
	p.mu.Unlock()
	p.stopOnce.Do(func() { close(p.stopping) })
	deadline := time.After(stopWait)
wait:
	for range p.all {
		select {
		case <-p.free:
		case <-deadline:
			break wait
		}
	}
	for _, e := range p.all {
		e.Stop()
	}
}
