package tracker_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// lifecycle generates the events of one job, in order: maybe STARTED, some IN_PROGRESS (some
// sharing an event time, told apart by seq), maybe one final event, and sometimes a progress
// event stamped after the final one.
func lifecycle(rng *rand.Rand, req string) []trainevent.Event {
	var evs []trainevent.Event
	at, seq := t0.Add(time.Duration(rng.IntN(1000))*time.Second), uint64(0)
	next := func(status job.Status) trainevent.Event {
		if rng.IntN(3) == 0 {
			seq++ // same event time, next seq
		} else {
			at = at.Add(time.Duration(1+rng.IntN(5))*time.Second + time.Duration(rng.IntN(1000))*time.Microsecond)
			seq = uint64(rng.IntN(3))
		}
		ev := event(req, status, 0, seq)
		ev.EventTime = at
		return ev
	}
	if rng.IntN(5) > 0 {
		evs = append(evs, next(job.Started))
	}
	for i := range rng.IntN(6) {
		ev := next(job.InProgress)
		ev.Progress = ptr(float64(10 * (i + 1)))
		ev.Message = fmt.Sprintf("epoch %d", i+1)
		evs = append(evs, ev)
	}
	final := true
	switch rng.IntN(4) {
	case 0: // still running
		final = false
	case 1:
		ev := next(job.Failed)
		ev.Error = "CUDA out of memory"
		evs = append(evs, ev)
	default:
		evs = append(evs, next(job.Success))
	}
	if final && rng.IntN(3) == 0 {
		// A progress report stamped after the end (another worker, a skewed clock): delivered in
		// order it is refused, and delivered first it must not keep the job running.
		ev := next(job.InProgress)
		ev.Progress, ev.Message = ptr(99), "late worker"
		evs = append(evs, ev)
	}
	if len(evs) == 0 {
		evs = append(evs, next(job.Started))
	}
	return evs
}

// TestShuffledDuplicatedDeliveryEndsInOrderedState is the central guarantee: whatever the order
// and however often events arrive, every record ends exactly as in-order delivery leaves it.
func TestShuffledDuplicatedDeliveryEndsInOrderedState(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3, 42, 2026} {
		for _, parallel := range []bool{false, true} {
			t.Run(fmt.Sprintf("seed=%d/parallel=%v", seed, parallel), func(t *testing.T) {
				rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b9))
				var all []trainevent.Event
				var reqs []string
				for r := range 25 {
					req := fmt.Sprintf("job-%d-%d", seed, r)
					reqs = append(reqs, req)
					all = append(all, lifecycle(rng, req)...)
				}
				ordered, shuffled := newFixture(t), newFixture(t)
				ended := map[string]bool{}
				for _, ev := range all { // per request, lifecycle order is event order
					want := tracker.Applied
					if ended[ev.RequestID] {
						want = tracker.Refused
					}
					if res, err := ordered.apply(ev); err != nil || res.Outcome != want {
						t.Fatalf("in-order %s %s: %+v, %v; want %s", ev.RequestID, ev.Status, res, err, want)
					}
					ended[ev.RequestID] = ended[ev.RequestID] || ev.Status.Final()
				}
				var stream []trainevent.Event
				for _, ev := range all {
					for range 1 + rng.IntN(3) {
						stream = append(stream, ev)
					}
				}
				rng.Shuffle(len(stream), func(i, j int) { stream[i], stream[j] = stream[j], stream[i] })
				deliver(t, shuffled, stream, parallel)
				for _, req := range reqs {
					want, _ := ordered.item(req)
					got, ok := shuffled.item(req)
					if !ok || !reflect.DeepEqual(got, want) {
						t.Errorf("%s:\n shuffled %+v\n ordered  %+v", req, got, want)
					}
				}
			})
		}
	}
}

// deliver applies every event, retrying ErrConcurrentUpdate as a redelivery would; in parallel
// mode four workers race, on the same requests too.
func deliver(t *testing.T, f *fixture, stream []trainevent.Event, parallel bool) {
	workers := 1
	if parallel {
		workers = 4
	}
	var wg sync.WaitGroup
	next := make(chan trainevent.Event)
	for range workers {
		wg.Go(func() {
			for ev := range next {
				for attempt := 0; ; attempt++ {
					_, err := f.apply(ev)
					if err == nil {
						break
					}
					if !errors.Is(err, tracker.ErrConcurrentUpdate) || attempt == 10 {
						t.Errorf("%s %s: %v", ev.RequestID, ev.Status, err)
						break
					}
				}
			}
		})
	}
	for _, ev := range stream {
		next <- ev
	}
	close(next)
	wg.Wait()
}
