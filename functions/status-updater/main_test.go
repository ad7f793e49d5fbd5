package main

import (
	"bytes"
	"context"
	"errors"
	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/internal/syncbuf"
	"log/slog"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

const testDLQ = "http://127.0.0.1:1/000000000000/training-events-dlq"

// fakeQueue records what the handler dead-letters; fail makes every send fail.
type fakeQueue struct {
	mu       sync.Mutex
	sent     []*sqs.SendMessageInput
	fail     bool
	failWith error
}

func (q *fakeQueue) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.failWith != nil {
		return nil, q.failWith
	}
	if q.fail {
		return nil, errors.New("sqs: connection reset")
	}
	q.sent = append(q.sent, in)
	return &sqs.SendMessageOutput{MessageId: aws.String("dlq-1")}, nil
}

// reasons maps original message id -> reason of every dead-lettered message.
func (q *fakeQueue) reasons() map[string]string {
	q.mu.Lock()
	defer q.mu.Unlock()
	out := map[string]string{}
	for _, in := range q.sent {
		a := in.MessageAttributes
		out[aws.ToString(a[deadletter.AttrOriginalMessageID].StringValue)] = aws.ToString(a[deadletter.AttrReason].StringValue)
	}
	return out
}

// countingDDB counts UpdateItem calls and can inject faults through fault.
type countingDDB struct {
	*dynamodb.Client
	updates, reads atomic.Int64
	fault          func(in *dynamodb.UpdateItemInput) error
}

func (c *countingDDB) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.updates.Add(1)
	if c.fault != nil {
		if err := c.fault(in); err != nil {
			return nil, err
		}
	}
	return c.Client.UpdateItem(ctx, in, o...)
}

func (c *countingDDB) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.reads.Add(1)
	return c.Client.GetItem(ctx, in, o...)
}

type fixture struct {
	t       *testing.T
	ddb     *countingDDB
	table   *ddb.Table[tables.StatusItem]
	queue   *fakeQueue
	h       *Handler
	logs    *syncbuf.Buffer
	metrics *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	client := &countingDDB{Client: ddbtest.Client(t)}
	table := ddbtest.NewTableWithClient(t, client, tables.StatusSchema)
	f := &fixture{t: t, ddb: client, table: table, queue: &fakeQueue{}, logs: &syncbuf.Buffer{}, metrics: &bytes.Buffer{}}
	f.h = &Handler{
		Applier: tracker.New(table, 0), DeadLetters: f.queue, DeadLetterURL: testDLQ,
		Log:         slog.New(slog.NewJSONHandler(f.logs, nil)),
		Metrics:     NewMetricsWriter(f.metrics, "trainstatus", "status-updater"),
		Concurrency: 4, Margin: 200 * time.Millisecond,
	}
	return f
}

func (f *fixture) handle(ev events.SQSEvent) events.SQSEventResponse {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	resp, err := f.h.Handle(ctx, ev)
	if err != nil {
		f.t.Fatalf("Handle: %v", err)
	}
	return resp
}

func (f *fixture) item(requestID string) tables.StatusItem {
	f.t.Helper()
	item, err := f.table.Get(ddb.Key{Partition: requestID}).Consistent().One(context.Background())
	if err != nil {
		f.t.Fatalf("get %s: %v", requestID, err)
	}
	return item
}

// loadEvent reads a sample from events/sqs.
func loadEvent(t *testing.T, name string) events.SQSEvent {
	return samples.Load[events.SQSEvent](t, "sqs", name)
}

func failedIDs(resp events.SQSEventResponse) []string {
	ids := []string{}
	for _, f := range resp.BatchItemFailures {
		ids = append(ids, f.ItemIdentifier)
	}
	return ids
}
