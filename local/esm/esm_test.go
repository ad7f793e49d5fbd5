package esm_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/trainstatus/trainstatus/local/esm"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/invoke"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// recorder invokes through the real router and keeps each payload sent.
type recorder struct {
	invoke.Invoker
	mu       sync.Mutex
	payloads [][]byte
}

func (r *recorder) Invoke(ctx context.Context, fn string, p []byte) (invoke.Result, error) {
	r.mu.Lock()
	r.payloads = append(r.payloads, p)
	r.mu.Unlock()
	return r.Invoker.Invoke(ctx, fn, p)
}

type fixture struct {
	sqs    *sqs.Client
	router *invoke.Router
	log    *slog.Logger
}

func setup(t *testing.T) fixture {
	t.Helper()
	tools := testenv.Tools(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	srv, err := fauxqs.Start(context.Background(), log, tools, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	router, err := invoke.StartRouter(context.Background(), log, tools.RIE, []invoke.Function{
		{Name: "status-updater", Bootstrap: testenv.Bootstrap(t), Timeout: 5 * time.Second, Concurrency: 1}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(router.Stop)
	return fixture{sqs: fauxqs.NewClient(srv.Endpoint), router: router, log: log}
}

func counts(t *testing.T, c *sqs.Client, url string) (visible, inFlight string) {
	t.Helper()
	out, err := c.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: &url,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	return out.Attributes["ApproximateNumberOfMessages"], out.Attributes["ApproximateNumberOfMessagesNotVisible"]
}

func TestPollOnce(t *testing.T) {
	f := setup(t)
	cases := []struct {
		name           string
		bodies         []string
		want           esm.Outcome
		wantInFlight   string // messages left for redelivery (invisible until the visibility timeout)
		wantFailedBody []string
	}{
		{name: "all succeed", bodies: []string{"a", "b", "c"}, want: esm.Outcome{Received: 3, Deleted: 3}, wantInFlight: "0"},
		{name: "partial failure keeps the failed", bodies: []string{"a", "fail", "b", "fail"},
			want: esm.Outcome{Received: 4, Deleted: 2, Left: 2}, wantInFlight: "2"},
		{name: "function error keeps the batch", bodies: []string{"a", "crash", "b"},
			want: esm.Outcome{Received: 3, Left: 3, FunctionError: true}, wantInFlight: "3"},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			q, err := fauxqs.Create(ctx, f.sqs, fauxqs.Queues{Name: fmt.Sprintf("q%d", i), DeadLetterName: fmt.Sprintf("q%d-dlq", i),
				MaxReceiveCount: 5, VisibilityTimeout: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			for _, b := range tc.bodies {
				if _, err := f.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &q.URL, MessageBody: aws.String(b)}); err != nil {
					t.Fatal(err)
				}
			}
			rec := &recorder{Invoker: f.router}
			m := esm.New(esm.Config{QueueURL: q.URL, QueueARN: q.ARN, Function: "status-updater", BatchSize: 10,
				BatchingWindow: 300 * time.Millisecond, WaitTime: time.Second}, f.sqs, rec, f.log)
			got, err := m.PollOnce(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Fatalf("outcome %+v, want %+v", got, tc.want)
			}
			if visible, inFlight := counts(t, f.sqs, q.URL); visible != "0" || inFlight != tc.wantInFlight {
				t.Errorf("queue: %s visible, %s in flight; want 0 and %s", visible, inFlight, tc.wantInFlight)
			}
			if len(rec.payloads) != 1 {
				t.Fatalf("%d invokes, want 1", len(rec.payloads))
			}
			var ev events.SQSEvent
			if err := json.Unmarshal(rec.payloads[0], &ev); err != nil {
				t.Fatal(err)
			}
			var bodies []string
			for _, r := range ev.Records {
				bodies = append(bodies, r.Body)
				if r.EventSourceARN != q.ARN || r.EventSource != "aws:sqs" || r.AWSRegion != "us-east-1" ||
					r.Attributes["ApproximateReceiveCount"] != "1" || r.Attributes["SentTimestamp"] == "" ||
					r.MessageId == "" || r.ReceiptHandle == "" {
					t.Errorf("record %+v", r)
				}
			}
			sort.Strings(bodies)
			want := append([]string(nil), tc.bodies...)
			sort.Strings(want)
			if fmt.Sprint(bodies) != fmt.Sprint(want) {
				t.Errorf("bodies %v, want %v", bodies, want)
			}
		})
	}
}

// deadlockGuard bounds only waits that never end when the code is wrong (the long-poll loop
// below, Run's return); a correct run never comes near it, however loaded the machine.
const deadlockGuard = 2 * time.Minute

// TestRunRedrivesToDeadLetter runs the mapping: a message the function always fails is received
// MaxReceiveCount times, then lands in the dead-letter queue; the others are deleted at once.
func TestRunRedrivesToDeadLetter(t *testing.T) {
	f := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	q, err := fauxqs.Create(ctx, f.sqs, fauxqs.Queues{Name: "training-events", DeadLetterName: "training-events-dlq",
		MaxReceiveCount: 2, VisibilityTimeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range []string{"ok", "fail", "ok"} {
		if _, err := f.sqs.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &q.URL, MessageBody: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	m := esm.New(esm.Config{QueueURL: q.URL, QueueARN: q.ARN, Function: "status-updater", WaitTime: time.Second}, f.sqs, f.router, f.log)
	done := make(chan struct{})
	go func() { m.Run(ctx); close(done) }()
	deadline := time.Now().Add(deadlockGuard)
	for {
		out, err := f.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &q.DeadLetterURL, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 1 && *out.Messages[0].Body == "fail" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the failing message never reached the dead-letter queue")
		}
	}
	cancel()
	select {
	case <-done:
	case <-time.After(deadlockGuard):
		t.Fatal("Run did not stop after its context ended")
	}
	if visible, inFlight := counts(t, f.sqs, q.URL); visible != "0" || inFlight != "0" {
		t.Errorf("main queue: %s visible, %s in flight; want it empty", visible, inFlight)
	}
}
