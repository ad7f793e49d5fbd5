package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/retry"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// maxPending bounds the events waiting to be sent. Progress reports coalesce (a newer one
// replaces one not sent yet), so a run holds at most a STARTED, a progress report and its final
// event; the bound only guards against a caller that reports faster than anything can be sent.
const maxPending = 64

// reporter sends a run's events in the background, so that reporting never blocks or fails the
// command it reports on: add never waits, a slow or dead endpoint only delays the background
// sender, and close gives the last events a bounded time to go out and says what did not.
type reporter struct {
	ingest *ingestClient
	policy retry.Policy // the waits between attempts (Attempts is not used: it retries until closed)

	mu       sync.Mutex
	pending  []trainevent.Event // in order; none in flight
	inFlight int                // events in the request being made
	sent     int
	lost     []lostEvent // refused for good, or dropped
	lastErr  string      // the last failure of a request, for the summary
	dead     error       // a 401: nothing more is tried
	wake     chan struct{}
	idle     chan struct{} // closed and replaced whenever pending and inFlight become 0
	flushing chan struct{} // closed by close: cut the current wait short
	cancel   context.CancelFunc
	done     chan struct{} // closed when the sender has returned
}

// lostEvent is an event that will not be sent, and why.
type lostEvent struct {
	status job.Status
	reason string
}

func newReporter(ingest *ingestClient, policy retry.Policy) *reporter {
	ctx, cancel := context.WithCancel(context.Background())
	r := &reporter{
		ingest: ingest, policy: policy,
		wake: make(chan struct{}, 1), idle: make(chan struct{}), flushing: make(chan struct{}),
		cancel: cancel, done: make(chan struct{}),
	}
	close(r.idle) // nothing to send yet
	go r.loop(ctx)
	return r
}

// add queues e without waiting. An IN_PROGRESS event replaces the last pending one, if that is
// also IN_PROGRESS (it says less, and later); past maxPending the oldest progress report goes.
func (r *reporter) add(e trainevent.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.dead != nil {
		r.lost = append(r.lost, lostEvent{e.Status, r.dead.Error()})
		return
	}
	if n := len(r.pending); e.Status == job.InProgress && n > 0 && r.pending[n-1].Status == job.InProgress {
		r.pending[n-1] = e
	} else {
		if len(r.pending) >= maxPending {
			r.dropOne()
		}
		r.pending = append(r.pending, e)
	}
	if isClosed(r.idle) {
		r.idle = make(chan struct{})
	}
	select {
	case r.wake <- struct{}{}:
	default:
	}
}

// dropOne removes the oldest progress report, else the oldest event; with r.mu held.
func (r *reporter) dropOne() {
	i := 0
	for j, p := range r.pending {
		if p.Status == job.InProgress {
			i = j
			break
		}
	}
	r.lost = append(r.lost, lostEvent{r.pending[i].Status, fmt.Sprintf("dropped: more than %d events waiting", maxPending)})
	r.pending = append(r.pending[:i], r.pending[i+1:]...)
}

// loop sends what is pending, one request at a time, until ctx ends.
func (r *reporter) loop(ctx context.Context) {
	defer close(r.done)
	failures := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-r.wake:
		}
		for {
			batch := r.take()
			if len(batch) == 0 {
				break
			}
			wait, ok := r.send(ctx, batch)
			if ok {
				failures = 0
				if wait == 0 {
					continue
				}
			} else {
				failures++
				wait = max(wait, r.policy.Delay(failures))
			}
			if !r.sleep(ctx, wait) {
				return
			}
		}
	}
}

// take moves up to maxIngestBatch pending events in flight.
func (r *reporter) take() []trainevent.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := min(len(r.pending), maxIngestBatch)
	batch := append([]trainevent.Event(nil), r.pending[:n]...)
	r.pending = r.pending[n:]
	r.inFlight = n
	return batch
}

// send makes one request for batch and settles each event: sent, lost, or back at the head of
// the queue. ok is false when nothing was acknowledged; wait is what the API asked for.
func (r *reporter) send(ctx context.Context, batch []trainevent.Event) (wait time.Duration, ok bool) {
	bodies := make([]json.RawMessage, 0, len(batch))
	var lost []lostEvent
	var events []trainevent.Event
	for _, e := range batch {
		b, err := ownedBody(e)
		if err != nil { // the caller built it: a bug, said rather than hidden
			lost = append(lost, lostEvent{e.Status, "invalid: " + err.Error()})
			continue
		}
		bodies = append(bodies, b)
		events = append(events, e)
	}
	var results []statusapi.IngestResult
	var err error
	if len(bodies) > 0 {
		results, wait, err = r.ingest.post(ctx, bodies)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	defer r.settled()
	r.lost = append(r.lost, lost...)
	var ie *ingestError
	switch {
	case errors.As(err, &ie) && !ie.Retryable():
		for _, e := range events {
			r.lost = append(r.lost, lostEvent{e.Status, ie.Message})
		}
		if errors.Is(err, errUnauthorized) {
			r.dead = ie
			for _, e := range r.pending {
				r.lost = append(r.lost, lostEvent{e.Status, ie.Message})
			}
			r.pending = nil
		}
		return 0, true
	case err != nil:
		if ctx.Err() == nil { // not the deadline's own cancellation: the cause
			r.lastErr = err.Error()
		}
		if errors.As(err, &ie) {
			wait = ie.RetryAfter
		}
		r.pending = append(events, r.pending...)
		return wait, false
	}
	var again []trainevent.Event
	for i, res := range results {
		switch res.Status {
		case fateAccepted:
			r.sent++
		case fateRefused:
			r.lost = append(r.lost, lostEvent{events[i].Status, "refused: " + sanitize(res.Field+": "+res.Reason)})
		default:
			again = append(again, events[i])
		}
	}
	if len(again) > 0 {
		r.lastErr = "the API could not queue every event (503)"
		r.pending = append(again, r.pending...)
		return wait, len(again) < len(events)
	}
	return wait, true
}

// settled ends a request: with r.mu held.
func (r *reporter) settled() {
	r.inFlight = 0
	if len(r.pending) == 0 && !isClosed(r.idle) {
		close(r.idle)
	}
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// sleep waits d, or less when close starts flushing during the wait; false when ctx ended.
func (r *reporter) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	flushing := r.flushing
	select {
	case <-flushing:
		// Flushing already: the waits go on, bounded by close's deadline.
		select {
		case <-t.C:
		case <-ctx.Done():
			return false
		}
	default:
		select {
		case <-t.C:
		case <-flushing:
		case <-ctx.Done():
			return false
		}
	}
	return true
}

// close waits until every event is sent or timeout passes, stops the sender, and returns what
// was not sent: nil when everything was.
// It gives up early when ctx ends.
func (r *reporter) close(ctx context.Context, timeout time.Duration) error {
	r.mu.Lock()
	idle := r.idle
	r.mu.Unlock()
	close(r.flushing)
	t := time.NewTimer(timeout)
	select {
	case <-idle:
	case <-t.C:
	case <-ctx.Done():
	}
	t.Stop()
	r.cancel()
	<-r.done
	r.mu.Lock()
	defer r.mu.Unlock()
	lost := r.lost
	// A request cut short by the deadline put its events back: the endpoint may or may not have
	// taken them, and they are counted as not sent.
	for _, e := range r.pending {
		lost = append(lost, lostEvent{e.Status, "not sent or not confirmed within " + timeout.String() + lastError(r.lastErr)})
	}
	if len(lost) == 0 {
		return nil
	}
	return &notSentError{sent: r.sent, lost: lost}
}

func lastError(s string) string {
	if s == "" {
		return ""
	}
	return " (" + s + ")"
}

// notSentError says, on one line, which events of a run were not sent and why.
type notSentError struct {
	sent int
	lost []lostEvent
}

func (e *notSentError) Error() string {
	statuses := make([]string, len(e.lost))
	for i, l := range e.lost {
		statuses[i] = string(l.status)
	}
	return fmt.Sprintf("%d of %d events not sent (%s): %s", len(e.lost), len(e.lost)+e.sent,
		strings.Join(statuses, ", "), oneLine(e.lost[len(e.lost)-1].reason, 300))
}
