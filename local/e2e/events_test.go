package e2e

import (
	"context"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// step is one event of a job, before its id, user, time and seq are given.
type step struct {
	status   job.Status
	progress float64 // -1: none
	message  string
	err      string
	sameTime bool // at the time of the step before (seq still orders them)
}

// trainingJob is a training job of the test: whose it is, its events in the order they happened,
// and the fault its writes get until the test lifts the faults.
type trainingJob struct {
	name  string
	owner string // a key of the test's users: "ada", "bob" or "carol"
	fault fault
	// crashAfterSend fails status-notifier's notified_at write once, after its email went out:
	// the one duplicate email the design allows.
	crashAfterSend bool
	steps          []step
}

// jobs are the test's training jobs: every lifecycle the tracker knows, two of them faulted, one
// name used by two users, one job of a user who turned job emails off.
var jobs = []trainingJob{
	{name: "full-run", owner: "ada", steps: []step{
		{status: job.Started, progress: -1, message: "epoch 0"},
		{status: job.InProgress, progress: 25},
		{status: job.InProgress, progress: 50, message: "halfway"},
		{status: job.InProgress, progress: 75},
		{status: job.Success, progress: -1, message: "done"},
	}},
	{name: "throttled", owner: "ada", fault: throttle, steps: []step{
		{status: job.Started, progress: -1},
		{status: job.InProgress, progress: 40},
		{status: job.InProgress, progress: 60, sameTime: true},
		{status: job.Failed, progress: 60, err: "CUDA out of memory"},
	}},
	{name: "cut-off", owner: "ada", fault: cut, steps: []step{
		{status: job.Started, progress: -1},
		{status: job.InProgress, progress: 10},
		{status: job.InProgress, progress: 90},
		{status: job.Success, progress: 100},
	}},
	{name: "no-start", owner: "ada", steps: []step{
		{status: job.InProgress, progress: 5, message: "resumed"},
		{status: job.InProgress, progress: 15, sameTime: true},
		{status: job.InProgress, progress: 30},
	}},
	{name: "same-name", owner: "ada", steps: []step{
		{status: job.Started, progress: -1},
		{status: job.InProgress, progress: 50},
		{status: job.Success, progress: -1, message: "ada's"},
	}},
	{name: "same-name", owner: "bob", steps: []step{
		{status: job.Started, progress: -1, message: "bob's"},
		{status: job.Failed, progress: -1, err: "loss is NaN"},
	}},
	{name: "crash-after-send", owner: "bob", crashAfterSend: true, steps: []step{
		{status: job.Started, progress: -1},
		{status: job.Success, progress: 100},
	}},
	{name: "quiet", owner: "carol", steps: []step{
		{status: job.Started, progress: -1},
		{status: job.Success, progress: 100},
	}},
}

// jobKey is a job's key in the status table: its owner's sub and its request id.
type jobKey struct{ user, request string }

// requestID is the request id of a job in one run.
func requestID(run, name string) string { return run + "-" + name }

// jobEvents returns every job's events in the order they happened, each under its owner's sub,
// starting at t0.
func jobEvents(run string, subs map[string]string, t0 time.Time) []trainevent.Event {
	var out []trainevent.Event
	for _, j := range jobs {
		at := t0
		for i, s := range j.steps {
			if i > 0 && !s.sameTime {
				at = at.Add(time.Second)
			}
			e := trainevent.Event{RequestID: requestID(run, j.name), UserID: subs[j.owner], Status: s.status,
				EventTime: at, Seq: uint64(i + 1), Message: s.message, Error: s.err}
			if s.progress >= 0 {
				p := s.progress
				e.Progress = &p
			}
			out = append(out, e.Normalize())
		}
	}
	return out
}

// shuffledWithDuplicates returns the stream as SQS may deliver it: every third event twice, all in
// a random order.
func shuffledWithDuplicates(evs []trainevent.Event, r *rand.Rand) []trainevent.Event {
	out := slices.Clone(evs)
	for i, e := range evs {
		if i%3 == 0 {
			out = append(out, e)
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out
}

// expectedRecords applies evs in order, each once, with pkg/tracker to a fresh table of the
// DynamoDB Local at endpoint, and returns the records by key: what in-order delivery gives. The
// TTL (from the time of processing) and the notifier's mark are not the events' doing: they are
// zero here and left out of comparisons (comparable).
func expectedRecords(t testing.TB, endpoint string, evs []trainevent.Event) map[jobKey]tables.StatusItem {
	t.Helper()
	ctx := context.Background()
	table := ddb.NewTable(ddbtest.NewClient(endpoint), uniqueName("e2e-expected"), tables.StatusSchema)
	if err := table.CreateIfMissing(ctx); err != nil {
		t.Fatal(err)
	}
	inOrder := slices.Clone(evs)
	slices.SortStableFunc(inOrder, func(a, b trainevent.Event) int { return strings.Compare(a.OrderKey(), b.OrderKey()) })
	tr := tracker.New(table, 0)
	want := map[jobKey]tables.StatusItem{}
	for _, e := range inOrder {
		if _, err := tr.Apply(ctx, e); err != nil {
			t.Fatalf("applying %s %s in order: %v", e.RequestID, e.Status, err)
		}
	}
	for _, e := range inOrder {
		item, err := table.Get(tables.StatusKey(e.UserID, e.RequestID)).Consistent().One(ctx)
		if err != nil {
			t.Fatal(err)
		}
		want[jobKey{e.UserID, e.RequestID}] = comparable(item)
	}
	return want
}

// comparable is a record without what the events do not decide: its TTL and the notifier's mark.
func comparable(it tables.StatusItem) tables.StatusItem {
	it.ExpiresAt, it.NotifiedAt = 0, ""
	return it
}
