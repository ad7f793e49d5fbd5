package fauxqs_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
)

func start(t *testing.T) *fauxqs.Server {
	t.Helper()
	s, err := fauxqs.Start(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)), testenv.Tools(t), "")
	if err != nil {
		t.Fatalf("starting fauxqs: %v", err)
	}
	t.Cleanup(s.Stop)
	return s
}

// TestBoundToLoopback checks the listening socket is 127.0.0.1, not 0.0.0.0.
func TestBoundToLoopback(t *testing.T) {
	s := start(t)
	_, port, _ := net.SplitHostPort(s.Addr)
	p, _ := strconv.Atoi(port)
	table, err := os.ReadFile("/proc/net/tcp")
	if err != nil {
		t.Fatalf("reading /proc/net/tcp: %v", err)
	}
	want := strings.ToUpper("0100007F:" + strconv.FormatInt(int64(p), 16))
	any4 := strings.ToUpper("00000000:" + strconv.FormatInt(int64(p), 16))
	if !strings.Contains(string(table), want) || strings.Contains(string(table), any4) {
		t.Fatalf("port %d: want a listener on 127.0.0.1 only\n%s", p, table)
	}
	if six, err := os.ReadFile("/proc/net/tcp6"); err == nil && strings.Contains(strings.ToUpper(string(six)), ":"+strings.ToUpper(strconv.FormatInt(int64(p), 16))+" ") {
		t.Fatalf("port %d is also bound on IPv6", p)
	}
}

// TestRedrive checks the queues are created with the redrive policy and that a message received
// MaxReceiveCount times moves to the dead-letter queue, with ApproximateReceiveCount counting.
func TestRedrive(t *testing.T) {
	s := start(t)
	ctx := context.Background()
	client := fauxqs.NewClient(s.Endpoint)
	q := fauxqs.Queues{Name: "training-events", DeadLetterName: "training-events-dlq", MaxReceiveCount: 3, VisibilityTimeout: 30 * time.Second}
	created, err := fauxqs.Create(ctx, client, q)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fauxqs.Create(ctx, client, q); err != nil {
		t.Fatalf("second Create must be idempotent: %v", err)
	}
	if created.ARN != "arn:aws:sqs:us-east-1:000000000000:training-events" {
		t.Errorf("ARN %s", created.ARN)
	}
	attrs, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &created.URL,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
	if err != nil {
		t.Fatal(err)
	}
	if got := attrs.Attributes["VisibilityTimeout"]; got != "30" {
		t.Errorf("VisibilityTimeout %s", got)
	}
	if got := attrs.Attributes["RedrivePolicy"]; !strings.Contains(got, created.DeadLetterARN) || !strings.Contains(got, "3") {
		t.Errorf("RedrivePolicy %s", got)
	}
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &created.URL, MessageBody: aws.String("poison")}); err != nil {
		t.Fatal(err)
	}
	for i := 1; i <= q.MaxReceiveCount; i++ {
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &created.URL, WaitTimeSeconds: 1,
			MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}})
		if err != nil || len(out.Messages) != 1 {
			t.Fatalf("receive %d: %v %v", i, err, out)
		}
		if got := out.Messages[0].Attributes["ApproximateReceiveCount"]; got != strconv.Itoa(i) {
			t.Errorf("receive %d: ApproximateReceiveCount %s", i, got)
		}
		// Visible again at once: the next receive is the next delivery, with no wait on a timer.
		if _, err := client.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: &created.URL,
			ReceiptHandle: out.Messages[0].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
			t.Fatalf("receive %d: ChangeMessageVisibility: %v", i, err)
		}
	}
	out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &created.URL, WaitTimeSeconds: 1})
	if err != nil || len(out.Messages) != 0 {
		t.Fatalf("after %d receives the message must have left the queue: %v %v", q.MaxReceiveCount, err, out.Messages)
	}
	dlq, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &created.DeadLetterURL, WaitTimeSeconds: 1})
	if err != nil || len(dlq.Messages) != 1 || *dlq.Messages[0].Body != "poison" {
		t.Fatalf("dead-letter queue: %v %v", err, dlq.Messages)
	}
}

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }
