package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

var benchSeq atomic.Int64

// noQueue is the benchmarks' dead-letter queue: they send only valid events, so any send is a bug.
type noQueue struct{}

func (noQueue) Send(context.Context, deadletter.Outgoing) (string, error) {
	return "", errors.New("benchmark: a valid event was dead-lettered")
}

// batchOf10 returns 10 IN_PROGRESS messages for 10 new requests.
func batchOf10() events.SQSEvent {
	n := benchSeq.Add(1)
	var msgs []events.SQSMessage
	for i := range 10 {
		req := fmt.Sprintf("bench-%d-%d", n, i)
		m := msg(req, req, "IN_PROGRESS", i)
		m.Body = m.Body[:len(m.Body)-1] + `,"seq":3,"progress":42.5,"message":"epoch 3/10"}`
		msgs = append(msgs, m)
	}
	return sqsEvent("arn:aws:sqs:us-east-1:1:training-events", msgs...)
}

func benchHandler(client ddb.API, table string, concurrency int) *Handler {
	t := ddb.NewTable(client, table, tables.StatusSchema)
	return &Handler{
		Applier:     tracker.New(t, 0, tracker.WithClock(func() time.Time { return now })),
		DeadLetters: noQueue{}, DeadLetterURL: "http://127.0.0.1:1/000000000000/none",
		Log:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Metrics:     emf.New(io.Discard, emf.Namespace, deploy.StatusUpdater),
		Concurrency: concurrency, Margin: time.Second,
	}
}

func runBatches(b *testing.B, h *Handler) {
	ctx := context.Background()
	for b.Loop() {
		b.StopTimer()
		ev := batchOf10()
		b.StartTimer()
		resp, err := h.Handle(ctx, ev)
		if err != nil || len(resp.BatchItemFailures) > 0 {
			b.Fatalf("batch failed: %v %v", err, resp.BatchItemFailures)
		}
	}
}

// BenchmarkBatch10With5msRoundTrip: 10 messages for 10 requests against an endpoint that
// answers every call after exactly 5 ms (the in-process stub with an injected round trip). The
// handler works on requests concurrently; the baselines process the same messages one by one,
// with the same conditional write or with a naive read-then-write.
func BenchmarkBatch10With5msRoundTrip(b *testing.B) {
	stub := ddbtest.NewStub()
	stub.Delay = 5 * time.Millisecond
	benchBatches(b, stub.Client(), "status")
}

// BenchmarkBatch10OnDynamoDBLocal is the same with DynamoDB Local behind the 5 ms round trip:
// closer to a real table, but DynamoDB Local's own time per write (tens of ms on 2 cores, and
// serialised inside it) dominates, so the gain is smaller than against a real endpoint.
func BenchmarkBatch10OnDynamoDBLocal(b *testing.B) {
	plain := ddbtest.NewTable(b, tables.StatusSchema)
	slow := dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(ddbtest.Endpoint(b)),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:  &http.Client{Transport: ddbtest.DelayTransport{Delay: 5 * time.Millisecond}},
	})
	benchBatches(b, slow, plain.Name())
}

func benchBatches(b *testing.B, client ddb.API, table string) {
	b.Run("baseline-one-by-one", func(b *testing.B) { runBatches(b, benchHandler(client, table, 1)) })
	b.Run("baseline-read-then-write", func(b *testing.B) {
		h := benchHandler(client, table, 1)
		h.Applier = readThenWrite{table: ddb.NewTable(client, table, tables.StatusSchema)}
		runBatches(b, h)
	})
	b.Run("handler", func(b *testing.B) { runBatches(b, benchHandler(client, table, 10)) })
}

// readThenWrite is the naive design the tracker replaces: read the record, decide in Go, write it
// back. Two round trips per message, and racy without a condition; here only as a baseline.
type readThenWrite struct{ table *ddb.Table[tables.StatusItem] }

func (r readThenWrite) Apply(ctx context.Context, ev trainevent.Event) (tracker.Result, error) {
	cur, err := r.table.Get(tables.StatusKey(ev.UserID, ev.RequestID)).One(ctx)
	if err != nil && !ddb.IsRetryable(err) {
		cur = tables.StatusItem{RequestID: ev.RequestID, UserID: ev.UserID}
	} else if err != nil {
		return tracker.Result{}, err
	}
	if cur.LastEvent >= ev.OrderKey() {
		return tracker.Result{Outcome: tracker.Stale}, nil
	}
	at := job.FormatTime(ev.EventTime)
	cur.Status, cur.UpdatedAt, cur.LastEvent, cur.Progress, cur.Message = ev.Status, at, ev.OrderKey(), ev.Progress, ev.Message
	if cur.Timestamp == "" {
		cur.Timestamp = at
	}
	return tracker.Result{Outcome: tracker.Applied}, r.table.Put(cur).Run(ctx)
}

// BenchmarkPerMessageCPU: the client-side cost of the handler (parse, validate, build the
// conditional update, log, metrics) against the raw SDK UpdateItem alone, both answered by an
// in-process stub. Both process 10 messages per op, one at a time, so the ratio is per message.
func BenchmarkPerMessageCPU(b *testing.B) {
	stub := ddbtest.NewStub().Respond("UpdateItem", 200, `{}`)
	client := stub.Client()
	ctx := context.Background()
	b.Run("raw-sdk", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			for i := range 10 {
				key, _ := attributevalue.MarshalMap(map[string]string{"user_id": alice, "request_id": fmt.Sprintf("job-%d", i)})
				// The same conditional update the tracker sends for an IN_PROGRESS event.
				at, order := "2026-11-24T10:00:05.000000Z", "2026-11-24T10:00:05.000000Z#00000000000000000003"
				cond := expression.AttributeNotExists(expression.Name("request_id")).Or(
					expression.Name("last_event").LessThan(expression.Value(order)).
						And(expression.Name("status").In(expression.Value("STARTED"), expression.Value("IN_PROGRESS"))))
				expr, err := expression.NewBuilder().
					WithUpdate(expression.Set(expression.Name("status"), expression.Value("IN_PROGRESS")).
						Set(expression.Name("updated_at"), expression.Value(at)).
						Set(expression.Name("last_event"), expression.Value(order)).
						Set(expression.Name("expires_at"), expression.Value(1803290405)).
						Set(expression.Name("in_progress_at"), expression.Name("in_progress_at").IfNotExists(expression.Value(at))).
						Set(expression.Name("timestamp"), expression.Name("timestamp").IfNotExists(expression.Value(at))).
						Set(expression.Name("first_report"), expression.Name("first_report").IfNotExists(expression.Value(order))).
						Set(expression.Name("first_report_progress"), expression.Name("first_report_progress").IfNotExists(expression.Value(42.5))).
						Set(expression.Name("progress"), expression.Value(42.5)).
						Set(expression.Name("message"), expression.Value("epoch 3/10")).
						Remove(expression.Name("error"))).
					WithCondition(cond).
					Build()
				if err != nil {
					b.Fatal(err)
				}
				if _, err := client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
					TableName: aws.String("status"), Key: key, UpdateExpression: expr.Update(),
					ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
					ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
				}); err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("handler", func(b *testing.B) {
		before := stub.Calls("UpdateItem")
		h := benchHandler(client, "status", 1)
		b.ReportAllocs()
		runBatches(b, h)
		b.ReportMetric(float64(stub.Calls("UpdateItem")-before)/float64(b.N*10), "ddb-calls/msg")
	})
}
