package main

import (
	"context"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// What a job's record looks like after the run.
const (
	untouched = iota // exactly as before
	indexed          // as before, plus its open_shard
	ended            // the final event applied meanwhile: final, no open_shard
	reported         // the event applied meanwhile indexed it
)

// TestJobs runs the jobs pass over records written by the tracker, some as a version without the
// open-jobs index left them (open_shard removed): a dry run, a run during which two jobs get an
// event between the Scan and the write (a wrapper around the table's client applies it first),
// and a second run. The indexed jobs are then where the stall sweep Queries for them.
func TestJobs(t *testing.T) {
	ctx := context.Background()
	spy := ddbtest.NewSpy(ddbtest.Client(t))
	table := ddbtest.NewTableWithClient(t, spy, tables.StatusSchema)
	plain := ddb.NewTable(ddbtest.Client(t), table.Name(), tables.StatusSchema)
	tr := tracker.New(plain, 0)
	start := time.Now().Add(-2 * time.Hour).UTC().Truncate(time.Microsecond)
	longAgo := start.Add(-3 * DefaultMaxSilence)
	apply := func(user, request string, seq uint64, st job.Status) error {
		at := start
		if request == "abandoned" {
			at = longAgo
		}
		ev := trainevent.Event{UserID: user, RequestID: request, Status: st, EventTime: at.Add(time.Duration(seq) * time.Minute), Seq: seq}
		_, err := tr.Apply(ctx, ev)
		return err
	}
	cases := []struct {
		name, user, request string
		events              []job.Status
		preUpgrade          bool       // open_shard removed, as an older version wrote it
		meanwhile           job.Status // an event applied between the Scan and the write
		want                int
	}{
		{name: "running, silent since before the upgrade", user: "u1", request: "running", events: []job.Status{job.Started, job.InProgress},
			preUpgrade: true, want: indexed},
		{name: "started, silent since before the upgrade", user: "u2", request: "started", events: []job.Status{job.Started},
			preUpgrade: true, want: indexed},
		{name: "succeeded", user: "u1", request: "done", events: []job.Status{job.Started, job.Success}, preUpgrade: true, want: untouched},
		{name: "failed", user: "u2", request: "failed", events: []job.Status{job.Started, job.InProgress, job.Failed}, preUpgrade: true,
			want: untouched},
		{name: "reported since the upgrade (already indexed)", user: "u3", request: "new", events: []job.Status{job.Started, job.InProgress},
			want: untouched},
		{name: "ends between the Scan and the write", user: "u3", request: "ending", events: []job.Status{job.Started, job.InProgress},
			preUpgrade: true, meanwhile: job.Success, want: ended},
		{name: "reports between the Scan and the write", user: "u4", request: "reporting", events: []job.Status{job.Started},
			preUpgrade: true, meanwhile: job.InProgress, want: reported},
		{name: "silent for three days (longer than -max-silence)", user: "u4", request: "abandoned", events: []job.Status{job.Started, job.InProgress},
			preUpgrade: true, want: untouched},
	}
	before := map[string]tables.StatusItem{}
	var unindexed int
	for _, tc := range cases {
		for i, st := range tc.events {
			if err := apply(tc.user, tc.request, uint64(i+1), st); err != nil {
				t.Fatalf("%s %s: %v", tc.name, st, err)
			}
		}
		key := tables.StatusKey(tc.user, tc.request)
		if tc.preUpgrade {
			if err := plain.Update(key).Remove(tables.AttrOpenShard).Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
		it, err := plain.Get(key).Consistent().One(ctx)
		if err != nil {
			t.Fatal(err)
		}
		before[tc.request] = it
		if tc.preUpgrade && !it.Status.Final() {
			unindexed++
		}
	}
	// The wrapper: the first write to a job with an event "meanwhile" applies that event first.
	spy.SetFault(func(ctx context.Context, op string, in any) error {
		if op != "UpdateItem" {
			return nil
		}
		request, _ := in.(*dynamodb.UpdateItemInput).Key[tables.AttrRequestID].(*types.AttributeValueMemberS)
		for i, tc := range cases {
			if tc.meanwhile != "" && request != nil && request.Value == tc.request {
				cases[i].meanwhile = ""
				return apply(tc.user, tc.request, 10, tc.meanwhile)
			}
		}
		return nil
	})

	total := len(cases)
	for _, run := range []struct {
		name   string
		dryRun bool
		want   JobCounts
		after  bool
	}{
		{"dry run: counts, writes nothing", true, JobCounts{Scanned: total, Unindexed: unindexed, LongSilent: 1, Indexed: unindexed - 1}, false},
		{"run", false, JobCounts{Scanned: total, Unindexed: unindexed, LongSilent: 1, Indexed: unindexed - 3, EndedMeanwhile: 1, IndexedMeanwhile: 1}, true},
		{"second run leaves the long-silent job out again, and changes nothing", false, JobCounts{Scanned: total, Unindexed: 1, LongSilent: 1}, true},
	} {
		t.Run(run.name, func(t *testing.T) {
			b := newBackfill(t, run.dryRun)
			b.Jobs = table
			var s Summary
			b.RunJobs(ctx, &s)
			if s.Jobs != run.want || len(s.Errors) > 0 {
				t.Errorf("counts %+v, errors %v; want %+v and none", s.Jobs, s.Errors, run.want)
			}
			for _, tc := range cases {
				got, err := plain.Get(tables.StatusKey(tc.user, tc.request)).Consistent().One(ctx)
				if err != nil {
					t.Fatal(err)
				}
				want, shard := before[tc.request], tables.OpenShard(tc.user, tc.request)
				switch {
				case !run.after || tc.want == untouched:
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: changed:\n got %+v\nwant %+v", tc.name, got, want)
					}
				case tc.want == indexed:
					want.OpenShard = shard
					if !reflect.DeepEqual(got, want) {
						t.Errorf("%s: got %+v\nwant %+v", tc.name, got, want)
					}
				case tc.want == ended && (got.Status != job.Success || got.OpenShard != ""):
					t.Errorf("%s: got %s with open_shard %q, want SUCCESS and none", tc.name, got.Status, got.OpenShard)
				case tc.want == reported && (got.Status != job.InProgress || got.OpenShard != shard):
					t.Errorf("%s: got %s with open_shard %q, want IN_PROGRESS and %q", tc.name, got.Status, got.OpenShard, shard)
				}
			}
		})
	}

	// The stall sweep's access path: a Query of each shard of the open-jobs index.
	var open []string
	for i := range tables.OpenShards {
		for it, err := range plain.Query(tables.OpenShardName(i)).Index(tables.IndexOpen).All(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			if tables.OpenShard(it.UserID, it.RequestID) != tables.OpenShardName(i) {
				t.Errorf("%s/%s is in shard %d, not its own", it.UserID, it.RequestID, i)
			}
			open = append(open, it.RequestID)
		}
	}
	slices.Sort(open)
	if want := []string{"new", "reporting", "running", "started"}; !slices.Equal(open, want) {
		t.Errorf("the sweep finds %v, want %v", open, want)
	}
}
