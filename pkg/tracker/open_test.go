package tracker_test

import (
	"context"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestOpenIndex: a job is in the open-jobs index exactly while it is not final, under a shard its
// key fixes, keys only; every event applied in order ends a recorded stall episode; and all of it
// rides on the event's one UpdateItem.
func TestOpenIndex(t *testing.T) {
	f := newFixture(t)
	req := "open-1"
	shard := tables.OpenShard(owner, req)
	steps := []struct {
		name        string
		ev          trainevent.Event
		markStall   bool // the sweep records an episode before this event
		wantOutcome tracker.Outcome
		wantOpen    bool
		wantAlerted bool // stall_alerted_for still present after the event
	}{
		{"started: in the index", event(req, job.Started, 0, 0), false, tracker.Applied, true, false},
		{"progress: still in, same key", event(req, job.InProgress, 10, 0), false, tracker.Applied, true, false},
		{"a duplicate keeps a recorded episode", event(req, job.InProgress, 10, 0), true, tracker.Duplicate, true, true},
		{"a late fill keeps it", event(req, job.InProgress, 5, 0), false, tracker.Filled, true, true},
		{"progress after a stall ends the episode", event(req, job.InProgress, 20, 0), false, tracker.Applied, true, false},
		{"success: out of the index", event(req, job.Success, 30, 0), false, tracker.Applied, false, false},
	}
	for _, s := range steps {
		if s.markStall {
			cur, _ := f.item(req)
			if err := f.table.Update(tables.StatusKey(owner, req)).Set(tables.AttrStallAlertedFor, cur.UpdatedAt).Run(context.Background()); err != nil {
				t.Fatal(err)
			}
		}
		f.client.Reset()
		res, err := f.apply(s.ev)
		if err != nil || res.Outcome != s.wantOutcome {
			t.Fatalf("%s: %+v, %v; want %s", s.name, res, err, s.wantOutcome)
		}
		wantCalls := int64(1) // the event's one write
		if s.wantOutcome == tracker.Filled {
			wantCalls = 2 // a late event's fill is its second write, as before
		}
		if n := f.client.Calls(); n != wantCalls {
			t.Errorf("%s: %d calls, want %d", s.name, n, wantCalls)
		}
		item, _ := f.item(req)
		if (item.OpenShard == shard) != s.wantOpen || (item.OpenShard != "" && item.OpenShard != shard) {
			t.Errorf("%s: open_shard %q, want open %v (%s)", s.name, item.OpenShard, s.wantOpen, shard)
		}
		if (item.StallAlertedFor != "") != s.wantAlerted {
			t.Errorf("%s: stall_alerted_for %q, want present %v", s.name, item.StallAlertedFor, s.wantAlerted)
		}
		inIndex := f.openIndex(shard)
		got, ok := inIndex[req]
		if ok != s.wantOpen {
			t.Fatalf("%s: in the index %v, want %v", s.name, ok, s.wantOpen)
		}
		if ok && (got.Timestamp != item.Timestamp || got.OpenShard != shard || got.UpdatedAt != "" || got.Status != "") {
			t.Errorf("%s: index item %+v: want the keys only (a progress event must not write the index)", s.name, got)
		}
	}
}

// TestOpenIndexLateFinal: a final event that arrives after newer progress takes the job out of the
// index and ends an episode too.
func TestOpenIndexLateFinal(t *testing.T) {
	f := newFixture(t)
	req := "open-late"
	for _, ev := range []trainevent.Event{event(req, job.Started, 0, 0), event(req, job.InProgress, 30, 0)} {
		if _, err := f.apply(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.table.Update(tables.StatusKey(owner, req)).Set(tables.AttrStallAlertedFor, "x").Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if res, err := f.apply(event(req, job.Failed, 20, 0)); err != nil || res.Outcome != tracker.Applied {
		t.Fatalf("late final: %+v, %v", res, err)
	}
	item, _ := f.item(req)
	if item.OpenShard != "" || item.StallAlertedFor != "" {
		t.Errorf("after a late final event: open_shard %q stall_alerted_for %q, want neither", item.OpenShard, item.StallAlertedFor)
	}
	if _, ok := f.openIndex(tables.OpenShard(owner, req))[req]; ok {
		t.Error("a finished job is still in the open index")
	}
}

// TestOpenShardSpread: the shard is a function of the key alone, and names one of the shards.
func TestOpenShardSpread(t *testing.T) {
	seen := map[string]int{}
	for i := range 800 {
		req := "job-" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		s := tables.OpenShard(owner, req)
		if s != tables.OpenShard(owner, req) {
			t.Fatal("the shard of a key changed")
		}
		seen[s]++
	}
	for i := range tables.OpenShards {
		if seen[tables.OpenShardName(i)] == 0 {
			t.Errorf("shard %d never used in 800 keys", i)
		}
	}
	if len(seen) != tables.OpenShards {
		t.Errorf("shards used %v, want exactly %d names", seen, tables.OpenShards)
	}
}

// openIndex reads one shard of the open-jobs index, by request id.
func (f *fixture) openIndex(shard string) map[string]tables.StatusItem {
	f.t.Helper()
	out := map[string]tables.StatusItem{}
	for it, err := range f.table.Query(shard).Index(tables.IndexOpen).All(context.Background()) {
		if err != nil {
			f.t.Fatal(err)
		}
		out[it.RequestID] = it
	}
	return out
}
