package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/internal/syncbuf"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

const owner = "3f9a1c52-7d2e-4b8a-9c61-2e5f0d4a7b13"

// t0 is the time the fixtures' jobs report from; the sweeps run later.
var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

type fixture struct {
	t     testing.TB
	spy   *ddbtest.Spy
	table *ddb.Table[tables.StatusItem]
	log   *syncbuf.Buffer
	clock time.Time // the tracker's clock
}

func newFixture(t *testing.T) *fixture {
	spy := ddbtest.NewSpy(ddbtest.Client(t))
	return &fixture{t: t, spy: spy, table: ddbtest.NewTableWithClient(t, spy, tables.StatusSchema), log: &syncbuf.Buffer{}, clock: t0}
}

// report applies an event through the real tracker, at second sec after t0.
func (f *fixture) report(req string, status job.Status, sec int, stall time.Duration) {
	f.t.Helper()
	at := t0.Add(time.Duration(sec) * time.Second)
	if at.After(f.clock) {
		f.clock = at
	}
	tr := tracker.New(f.table, 0, tracker.WithClock(func() time.Time { return f.clock }))
	ev := trainevent.Event{RequestID: req, UserID: owner, Status: status, EventTime: at, StallAfter: stall}
	if res, err := tr.Apply(context.Background(), ev); err != nil || res.Outcome != tracker.Applied {
		f.t.Fatalf("apply %s %s: %+v, %v", req, status, res, err)
	}
}

// sweep runs one sweep at t0 + sec seconds with the default window of 15 minutes.
func (f *fixture) sweep(sec int) (Summary, error) {
	h := &Handler{Jobs: f.table, StallWindow: 15 * time.Minute,
		Log:     slog.New(slog.NewJSONHandler(f.log, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Metrics: emf.New(io.Discard, emf.Namespace, "stall-sweep"),
		Now:     func() time.Time { return t0.Add(time.Duration(sec) * time.Second) }}
	return h.Handle(context.Background(), events.EventBridgeEvent{DetailType: "Scheduled Event", Source: "aws.events"})
}

func (f *fixture) item(req string) tables.StatusItem {
	f.t.Helper()
	it, err := f.table.Get(tables.StatusKey(owner, req)).Consistent().One(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return it
}

const min = 60

// TestSweepJudgesEachJob: jobs silent past their own or the default window are alerted once,
// with stall_alerted_for set to the silence's start; running and finished jobs are not; no job
// changes state; a second sweep writes nothing.
func TestSweepJudgesEachJob(t *testing.T) {
	f := newFixture(t)
	type jobCase struct {
		req     string
		lastSec int // its last event, in seconds after t0
		window  time.Duration
		final   bool
		alerted bool
	}
	jobs := []jobCase{
		{"fresh", 59 * min, 0, false, false},
		{"silent-default", 40 * min, 0, false, true},
		{"exactly-the-window", 45 * min, 0, false, false}, // silent 15 min: not longer than the window
		{"own-short-window", 56 * min, 2 * time.Minute, false, true},
		{"own-long-window", 10 * min, time.Hour, false, false},
		{"finished-long-ago", 1 * min, 0, true, false},
	}
	for _, j := range jobs {
		f.report(j.req, job.Started, 0, j.window)
		status := job.InProgress
		if j.final {
			status = job.Success
		}
		f.report(j.req, status, j.lastSec, 0)
	}
	f.spy.Reset()
	got, err := f.sweep(60 * min)
	if err != nil {
		t.Fatal(err)
	}
	want := Summary{Running: 3, Alerted: 2}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("first sweep %v, want %v", got, want)
	}
	q, g, u, all := f.spy.Calls("Query"), f.spy.Calls("BatchGetItem"), f.spy.Calls("UpdateItem"), f.spy.Calls()
	if q != tables.OpenShards || g < 1 || g > tables.OpenShards || u != 2 || all != q+g+u {
		t.Errorf("first sweep: %d queries, %d batch reads, %d updates, %d calls; want one query per shard (%d), a batch read per shard with jobs, one write per alert, nothing else", q, g, u, all, tables.OpenShards)
	}
	for _, j := range jobs {
		it := f.item(j.req)
		wantFor := ""
		if j.alerted {
			wantFor = it.UpdatedAt
		}
		if it.StallAlertedFor != wantFor {
			t.Errorf("%s: stall_alerted_for %q, want %q", j.req, it.StallAlertedFor, wantFor)
		}
		if (it.Status == job.Failed) || (!j.final && it.Status != job.InProgress) {
			t.Errorf("%s: status %s after the sweep; a stall never changes the state", j.req, it.Status)
		}
	}
	f.spy.Reset()
	got, err = f.sweep(60 * min) // the same instant: a redelivered invocation
	if want := (Summary{Running: 3, AlreadyAlerted: 2}); err != nil || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("second sweep %v, %v; want %v", got, err, want)
	}
	if u := f.spy.Calls("UpdateItem"); u != 0 {
		t.Errorf("second sweep made %d writes, want none", u)
	}
	if !strings.Contains(f.log.String(), `"outcome":"alerted"`) || !strings.Contains(f.log.String(), `"request_id":"silent-default"`) {
		t.Errorf("no log line for the alert:\n%s", f.log)
	}
}

// TestEpisodes: a job that reports again after an alert is no longer stalled and is alerted again
// only after a new silence; a job that reports between the sweep's read and its write is not
// alerted.
func TestEpisodes(t *testing.T) {
	f := newFixture(t)
	f.report("job", job.Started, 0, 0)
	steps := []struct {
		name      string
		reportSec int // an IN_PROGRESS event before the sweep (0: none)
		sweepSec  int
		want      Outcome
	}{
		{"silent 20 min", 0, 20 * min, Alerted},
		{"still silent", 0, 25 * min, AlreadyAlerted},
		{"reports again", 26 * min, 27 * min, Running},
		{"silent again: a new episode", 0, 42 * min, Alerted},
		{"and only once", 0, 50 * min, AlreadyAlerted},
	}
	for _, s := range steps {
		if s.reportSec > 0 {
			f.report("job", job.InProgress, s.reportSec, 0)
			if it := f.item("job"); it.StallAlertedFor != "" {
				t.Fatalf("%s: stall_alerted_for %q after an event; the episode should be over", s.name, it.StallAlertedFor)
			}
		}
		got, err := f.sweep(s.sweepSec)
		if err != nil || got[s.want] != 1 || len(got) != 1 {
			t.Fatalf("%s: %v, %v; want one %s", s.name, got, err, s.want)
		}
	}
	if it := f.item("job"); it.StallAlertedFor != job.FormatTime(t0.Add(26*time.Minute)) {
		t.Errorf("stall_alerted_for %q, want the second silence's start", it.StallAlertedFor)
	}

	// The job reports while the sweep is between its Query and its write.
	f.report("racy", job.Started, 0, 0)
	f.spy.SetFault(ddbtest.FaultOn(func(ctx context.Context) error {
		f.spy.SetFault(nil)
		f.report("racy", job.InProgress, 30*min, 0)
		return nil
	}, "UpdateItem"))
	got, err := f.sweep(31 * min)
	if err != nil || got[Raced] != 1 {
		t.Errorf("racing sweep: %v, %v; want one raced", got, err)
	}
	if it := f.item("racy"); it.StallAlertedFor != "" {
		t.Errorf("a job that reported during the sweep was alerted: %q", it.StallAlertedFor)
	}
}

// TestOverlappingSweeps: sweeps running at once (a slow one and the next, or a redelivered
// invocation) record each silence exactly once between them.
func TestOverlappingSweeps(t *testing.T) {
	f := newFixture(t)
	const jobs = 24
	for i := range jobs {
		f.report(fmt.Sprintf("job-%02d", i), job.Started, 0, 0)
	}
	const sweeps = 4
	var wg sync.WaitGroup
	results := make([]Summary, sweeps)
	errs := make([]error, sweeps)
	for i := range sweeps {
		wg.Go(func() { results[i], errs[i] = f.sweep(30 * min) })
	}
	wg.Wait()
	alerted := 0
	for i, r := range results {
		if errs[i] != nil {
			t.Fatalf("sweep %d: %v", i, errs[i])
		}
		alerted += r[Alerted]
		if r[Alerted]+r[Raced]+r[AlreadyAlerted] != jobs {
			t.Errorf("sweep %d judged %v, want all %d jobs stalled", i, r, jobs)
		}
	}
	if alerted != jobs {
		t.Errorf("%d alerts recorded by %d overlapping sweeps, want exactly %d (one per job)", alerted, sweeps, jobs)
	}
}

// TestSweepFaults: a failed Query or write is an error of the invocation (alarmed) and is counted;
// the other shards and jobs are still swept, and the next sweep records what was missed.
func TestSweepFaults(t *testing.T) {
	throttle := &smithy.GenericAPIError{Code: "ThrottlingException", Message: "slow down"}
	cases := []struct {
		name      string
		op        string
		wantCount Outcome // counted for the stalled job when the write fails
	}{
		{"the query fails", "Query", ""},
		{"reading the jobs fails", "BatchGetItem", ""},
		{"the write fails", "UpdateItem", Failed},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.report("stuck", job.Started, 0, 0)
			f.spy.SetFault(ddbtest.FaultOn(func(context.Context) error { return throttle }, tc.op))
			got, err := f.sweep(30 * min)
			if !errors.Is(err, ErrIncomplete) {
				t.Fatalf("sweep: %v, %v; want ErrIncomplete", got, err)
			}
			if tc.wantCount != "" && got[tc.wantCount] != 1 {
				t.Errorf("sweep counted %v, want one %s", got, tc.wantCount)
			}
			if !strings.Contains(f.log.String(), `"level":"ERROR"`) {
				t.Errorf("no ERROR line:\n%s", f.log)
			}
			f.spy.SetFault(nil)
			if got, err := f.sweep(31 * min); err != nil || got[Alerted] != 1 {
				t.Errorf("the next sweep: %v, %v; want the stall recorded", got, err)
			}
		})
	}
}

func discardLog() *slog.Logger { return slog.New(slog.NewJSONHandler(io.Discard, nil)) }

func discardMetrics() *emf.Writer { return emf.New(io.Discard, emf.Namespace, "stall-sweep") }

func eventBridge() events.EventBridgeEvent {
	return events.EventBridgeEvent{DetailType: "Scheduled Event", Source: "aws.events"}
}
