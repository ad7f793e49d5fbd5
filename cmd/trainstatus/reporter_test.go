package main

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestReporterCoalesces: while a request is in flight, progress reports pile up as one (the
// newest); STARTED and the final event are never merged or dropped.
func TestReporterCoalesces(t *testing.T) {
	fake, srv := newIngestFake(t)
	fake.arrived, fake.hold = make(chan struct{}), make(chan struct{})
	rep := newReporter(newIngestClient(clientConfig{APIURL: srv.URL, Token: testToken}, time.Minute), sendPolicy)
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	ev := func(seq uint64, st job.Status, p float64) trainevent.Event {
		e := trainevent.Event{RequestID: "j", Status: st, EventTime: at, Seq: seq}
		if p >= 0 {
			e.Progress = &p
		}
		return e
	}
	rep.add(ev(0, job.Started, -1))
	<-fake.arrived // STARTED is in flight, alone
	for i := range 500 {
		rep.add(ev(uint64(1+i), job.InProgress, float64(i)/5))
	}
	rep.add(ev(501, job.Success, -1))
	close(fake.hold)
	if err := rep.close(context.Background(), time.Minute); err != nil {
		t.Fatal(err)
	}
	got := fake.got()
	if statuses(got) != "STARTED IN_PROGRESS SUCCESS" || *got[1].Progress != 99.8 || got[1].Seq != 500 {
		t.Fatalf("accepted %q: %+v", statuses(got), got)
	}
}

// TestReporterBound: a caller adding more than maxPending events that do not coalesce loses the
// oldest, and close says so.
func TestReporterBound(t *testing.T) {
	fake, srv := newIngestFake(t)
	fake.arrived, fake.hold = make(chan struct{}), make(chan struct{})
	rep := newReporter(newIngestClient(clientConfig{APIURL: srv.URL, Token: testToken}, time.Minute), sendPolicy)
	at := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	rep.add(trainevent.Event{RequestID: "j0", Status: job.Started, EventTime: at})
	<-fake.arrived
	for i := range maxPending + 3 {
		rep.add(trainevent.Event{RequestID: "j" + string(rune('a'+i%26)) + string(rune('a'+i/26)), Status: job.Started, EventTime: at})
	}
	close(fake.hold)
	err := rep.close(context.Background(), time.Minute)
	var ns *notSentError
	if !errors.As(err, &ns) || len(ns.lost) != 3 || len(fake.got()) != 1+maxPending {
		t.Fatalf("close = %v; %d accepted", err, len(fake.got()))
	}
}
