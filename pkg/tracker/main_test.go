package tracker_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

// countingClient counts the calls that reach DynamoDB.
type countingClient struct {
	*dynamodb.Client
	updates, reads atomic.Int64
}

func (c *countingClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.updates.Add(1)
	return c.Client.UpdateItem(ctx, in, o...)
}

func (c *countingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.reads.Add(1)
	return c.Client.GetItem(ctx, in, o...)
}

type fixture struct {
	t      *testing.T
	client *countingClient
	table  *ddb.Table[tables.StatusItem]
	tr     *tracker.Tracker
}

func newFixture(t *testing.T) *fixture {
	client := &countingClient{Client: ddbtest.Client(t)}
	table := ddbtest.NewTableWithClient(t, client, tables.StatusSchema)
	return &fixture{t: t, client: client, table: table, tr: tracker.New(table, 0)}
}

func (f *fixture) apply(ev trainevent.Event) (tracker.Result, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return f.tr.Apply(ctx, ev)
}

func (f *fixture) item(requestID string) (tables.StatusItem, bool) {
	item, err := f.table.Get(ddb.Key{Partition: requestID}).Consistent().One(context.Background())
	if err != nil {
		return item, false
	}
	return item, true
}

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// event builds a valid event at t0 + sec seconds.
func event(req string, status tables.Status, sec int, seq uint64) trainevent.Event {
	return trainevent.Event{RequestID: req, UserID: "user-1", Status: status, EventTime: t0.Add(time.Duration(sec) * time.Second), Seq: seq}
}

func ptr(v float64) *float64 { return &v }
