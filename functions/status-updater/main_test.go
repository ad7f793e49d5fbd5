package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/internal/syncbuf"
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

// onUpdate injects a fault into the UpdateItem calls only: the writes the handler makes.
func onUpdate(fault func(in *dynamodb.UpdateItemInput) error) ddbtest.FaultFunc {
	return func(_ context.Context, _ string, in any) error {
		if u, ok := in.(*dynamodb.UpdateItemInput); ok {
			return fault(u)
		}
		return nil
	}
}

type fixture struct {
	t       *testing.T
	ddb     *ddbtest.Spy
	table   *ddb.Table[tables.StatusItem]
	queue   *fakeQueue
	h       *Handler
	logs    *syncbuf.Buffer
	metrics *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	client := ddbtest.NewSpy(ddbtest.Client(t))
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
