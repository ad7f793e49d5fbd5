package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
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

	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/internal/syncbuf"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/dlqtool"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

func TestMain(m *testing.M) {
	code := ddbtest.Main(m)
	sqsServer.Stop()
	os.Exit(code)
}

// The fauxqs server of this test binary, started on first use (the SQS emulator the local stack
// runs; `make local-deps` installs it). Tests fail, never skip, when it cannot start.
var (
	sqsOnce   sync.Once
	sqsServer *fauxqs.Server
	sqsErr    error
	queueSeq  atomic.Int64
)

// sqsClient returns a client of the test binary's fauxqs.
func sqsClient(t testing.TB) *sqs.Client {
	t.Helper()
	sqsOnce.Do(func() {
		var tools deps.Tools
		if tools, sqsErr = deps.Find(); sqsErr != nil {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		sqsServer, sqsErr = fauxqs.Start(ctx, slog.New(slog.NewJSONHandler(io.Discard, nil)), tools, "")
	})
	if sqsErr != nil {
		t.Fatalf("fauxqs: %v", sqsErr)
	}
	return fauxqs.NewClient(sqsServer.Endpoint)
}

// newQueue creates a fresh queue of SQS's classic maximum size (256 KiB, as the dead-letter queue
// of issue 12.3 had) and returns its URL.
func newQueue(t testing.TB, client *sqs.Client, prefix string) string {
	t.Helper()
	out, err := client.CreateQueue(context.Background(), &sqs.CreateQueueInput{
		QueueName:  aws.String(fmt.Sprintf("%s-%d", prefix, queueSeq.Add(1))),
		Attributes: map[string]string{"MaximumMessageSize": fmt.Sprint(deadletter.MaxMessageBytes)},
	})
	if err != nil {
		t.Fatalf("creating a queue: %v", err)
	}
	return aws.ToString(out.QueueUrl)
}

// faultyQueue is the handler's dead-letter sender with injected faults: while fail is set every
// send fails with it, without reaching the queue.
type faultyQueue struct {
	DeadLetterSender
	fail atomic.Pointer[error]
}

func (q *faultyQueue) Send(ctx context.Context, m deadletter.Outgoing) (string, error) {
	if err := q.fail.Load(); err != nil {
		return "", *err
	}
	return q.DeadLetterSender.Send(ctx, m)
}

func (q *faultyQueue) failWith(err error) { q.fail.Store(&err) }

// deadLetterQueue reads what the handler dead-lettered, from fauxqs.
type deadLetterQueue struct {
	t      testing.TB
	client *sqs.Client
	url    string
	mu     sync.Mutex
	got    []deadletter.Message // every message received so far (received ones stay invisible)
}

// all drains the queue and returns every dead-lettered message so far.
func (q *deadLetterQueue) all() []deadletter.Message {
	q.t.Helper()
	q.mu.Lock()
	defer q.mu.Unlock()
	for {
		out, err := q.client.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: &q.url, MaxNumberOfMessages: 10, VisibilityTimeout: 3600,
			MessageAttributeNames:       deadletter.MessageAttributeNames,
			MessageSystemAttributeNames: dlqtool.SystemAttributeNames,
		})
		if err != nil {
			q.t.Fatalf("receiving from the dead-letter queue: %v", err)
		}
		if len(out.Messages) == 0 {
			return append([]deadletter.Message(nil), q.got...)
		}
		for _, m := range out.Messages {
			dm, err := dlqtool.Parse(m)
			if err != nil {
				q.t.Errorf("dead-letter message %s: %v", aws.ToString(m.MessageId), err)
			}
			q.got = append(q.got, dm)
		}
	}
}

// reasons maps original message id -> reason of every dead-lettered message.
func (q *deadLetterQueue) reasons() map[string]string {
	out := map[string]string{}
	for _, m := range q.all() {
		out[m.OriginalMessageID] = m.Reason
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
	queue   *faultyQueue
	dlq     *deadLetterQueue
	h       *Handler
	logs    *syncbuf.Buffer
	metrics *bytes.Buffer
}

// now is the handler's clock in the tests: two days after the sample events, so that they are
// neither in the future nor older than the retention, whenever the tests run.
var now = base.Add(48 * time.Hour)

func newFixture(t *testing.T) *fixture {
	client := ddbtest.NewSpy(ddbtest.Client(t))
	table := ddbtest.NewTableWithClient(t, client, tables.StatusSchema)
	sq := sqsClient(t)
	dlqURL := newQueue(t, sq, "dlq")
	f := &fixture{t: t, ddb: client, table: table, queue: &faultyQueue{DeadLetterSender: deadletter.NewSender(sq)},
		dlq: &deadLetterQueue{t: t, client: sq, url: dlqURL}, logs: &syncbuf.Buffer{}, metrics: &bytes.Buffer{}}
	f.h = &Handler{
		Applier:     tracker.New(table, 0, tracker.WithClock(func() time.Time { return now })),
		DeadLetters: f.queue, DeadLetterURL: dlqURL,
		Log:         slog.New(slog.NewJSONHandler(f.logs, nil)),
		Metrics:     emf.New(f.metrics, emf.Namespace, deploy.StatusUpdater),
		Concurrency: 4, Margin: 200 * time.Millisecond, MaxReceives: deploy.MaxReceiveCount,
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

// item returns the record of alice's job requestID (the user of the samples and of msg).
func (f *fixture) item(requestID string) tables.StatusItem {
	f.t.Helper()
	item, err := f.table.Get(key(requestID)).Consistent().One(context.Background())
	if err != nil {
		f.t.Fatalf("get %s: %v", requestID, err)
	}
	return item
}

// exists reports whether alice's job requestID has a record.
func (f *fixture) exists(requestID string) bool {
	f.t.Helper()
	_, err := f.table.Get(key(requestID)).Consistent().One(context.Background())
	if err != nil && !errors.Is(err, ddb.ErrNotFound) {
		f.t.Fatalf("get %s: %v", requestID, err)
	}
	return err == nil
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
