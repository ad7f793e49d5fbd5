package tracker_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

type fixture struct {
	t      *testing.T
	client *ddbtest.Spy
	table  *ddb.Table[tables.StatusItem]
	tr     *tracker.Tracker
}

func newFixture(t *testing.T) *fixture {
	client := ddbtest.NewSpy(ddbtest.Client(t))
	table := ddbtest.NewTableWithClient(t, client, tables.StatusSchema)
	return &fixture{t: t, client: client, table: table, tr: tracker.New(table, 0, tracker.WithClock(clock))}
}

// now is the fixtures' clock: an hour after t0, later than every event the tests build, so that
// records (their TTL included) do not depend on when the tests run.
var now = t0.Add(time.Hour)

func clock() time.Time { return now }

func (f *fixture) apply(ev trainevent.Event) (tracker.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return f.tr.Apply(ctx, ev)
}

func (f *fixture) item(requestID string) (tables.StatusItem, bool) {
	return f.itemOf(owner, requestID)
}

func (f *fixture) itemOf(userID, requestID string) (tables.StatusItem, bool) {
	item, err := f.table.Get(tables.StatusKey(userID, requestID)).Consistent().One(context.Background())
	if err != nil {
		return item, false
	}
	return item, true
}

// owner is the user of the events event builds.
const owner = "0b5e8f2a-3c4d-4e6f-8a9b-1c2d3e4f5a6b"

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// event builds a valid event at t0 + sec seconds.
func event(req string, status job.Status, sec int, seq uint64) trainevent.Event {
	return trainevent.Event{RequestID: req, UserID: owner, Status: status, EventTime: t0.Add(time.Duration(sec) * time.Second), Seq: seq}
}

func ptr(v float64) *float64 { return &v }
