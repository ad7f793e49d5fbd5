package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestSampleBatches(t *testing.T) {
	cases := []struct {
		file  string
		want  map[string]string // request id -> "STATUS progress timestamp"
		count map[string]int    // outcome -> messages
	}{
		{"clean-run.json", map[string]string{"job-clean-001": "SUCCESS 100 2026-11-24T10:00:00.000000Z"},
			map[string]int{"applied": 5}},
		{"duplicates.json", map[string]string{"job-dup-001": "SUCCESS 100 2026-11-24T11:00:00.000000Z"},
			map[string]int{"applied": 3, "duplicate": 2, "stale": 1}},
		{"out-of-order.json", map[string]string{
			"job-ooo-001": "SUCCESS 100 2026-11-24T12:00:00.000000Z",
			"job-ooo-002": "FAILED - 2026-11-24T12:20:00.000000Z"},
			map[string]int{"applied": 3, "filled": 3, "stale": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f := newFixture(t)
			resp := f.handle(loadEvent(t, tc.file))
			if len(resp.BatchItemFailures) != 0 {
				t.Fatalf("failures %v; logs:\n%s", failedIDs(resp), f.logs)
			}
			for req, want := range tc.want {
				item := f.item(req)
				progress := "-"
				if item.Progress != nil {
					progress = fmt.Sprint(*item.Progress)
				}
				if got := fmt.Sprintf("%s %s %s", item.Status, progress, item.Timestamp); got != want {
					t.Errorf("%s: %s, want %s", req, got, want)
				}
			}
			for outcome, n := range tc.count {
				if got := strings.Count(f.logs.String(), `"outcome":"`+outcome+`"`); got != n {
					t.Errorf("%d messages %s, want %d; logs:\n%s", got, outcome, n, f.logs)
				}
			}
			if len(f.queue.sent) != 0 {
				t.Errorf("valid messages were dead-lettered: %v", f.queue.reasons())
			}
		})
	}
}

func TestOneWritePerValidMessage(t *testing.T) {
	f := newFixture(t)
	ev := loadEvent(t, "clean-run.json")
	ev.Records = append(ev.Records, loadEvent(t, "duplicates.json").Records...)
	f.handle(ev)
	// 11 messages: clean-run's 5 and duplicates' 6, none late with something to fill.
	if n, r := f.ddb.Calls("UpdateItem"), f.ddb.Calls("GetItem"); n != int64(len(ev.Records)) || r != 0 {
		t.Errorf("%d messages cost %d UpdateItem and %d GetItem calls, want %d and 0", len(ev.Records), n, r, len(ev.Records))
	}
}

func TestPoisonMessagesAreDeadLetteredWithReason(t *testing.T) {
	f := newFixture(t)
	ev := loadEvent(t, "poison.json")
	resp := f.handle(ev)
	if len(resp.BatchItemFailures) != 0 {
		t.Fatalf("poison messages reported for retry: %v", failedIDs(resp))
	}
	reasons := f.queue.reasons()
	wantField := map[string]string{
		"0001": "body", "0002": "user_id", "0003": "status", "0004": "progress", "0005": "message",
		"0006": "request_id", "0007": "event_time", "0008": "event_time", "0009": "seq", "0010": "body",
	}
	for _, msg := range ev.Records {
		suffix := msg.MessageId[len(msg.MessageId)-4:]
		reason, ok := reasons[msg.MessageId]
		if !ok {
			t.Errorf("%s not dead-lettered", suffix)
			continue
		}
		if !strings.Contains(reason, wantField[suffix]) {
			t.Errorf("%s: reason %q does not name %s", suffix, reason, wantField[suffix])
		}
	}
	for _, in := range f.queue.sent {
		if aws.ToString(in.QueueUrl) != testDLQ || in.MessageAttributes["receive_count"].StringValue == nil {
			t.Errorf("dead-letter message %+v lacks queue or receive count", in)
		}
	}
	if n := f.ddb.Calls("UpdateItem"); n != 0 {
		t.Errorf("invalid messages made %d writes", n)
	}
}

func TestOwnerMismatchIsDeadLettered(t *testing.T) {
	f := newFixture(t)
	f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q", msg("m1", "job-own", "alice", "STARTED", 0)))
	resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q", msg("m2", "job-own", "mallory", "SUCCESS", 10)))
	if len(resp.BatchItemFailures) != 0 || !strings.Contains(f.queue.reasons()["m2"], "does not own") {
		t.Errorf("failures %v, dead letters %v", failedIDs(resp), f.queue.reasons())
	}
	if item := f.item("job-own"); item.Status != tables.StatusStarted || item.UserID != "alice" {
		t.Errorf("mismatched owner changed the record: %+v", item)
	}
}

func TestFailedDeadLetterSendIsRetried(t *testing.T) {
	f := newFixture(t)
	f.queue.fail = true
	poison := loadEvent(t, "poison.json")
	clean := loadEvent(t, "clean-run.json")
	batch := sqsEvent(poison.Records[0].EventSourceARN, append(clean.Records, poison.Records...)...)
	resp := f.handle(batch)
	var want []string
	for _, r := range poison.Records {
		want = append(want, r.MessageId)
	}
	if got := failedIDs(resp); !slices.Equal(got, want) {
		t.Errorf("failures %v, want exactly the poison messages %v", got, want)
	}
	if n := strings.Count(f.logs.String(), "sending it to the dead-letter queue failed"); n != len(poison.Records) {
		t.Errorf("%d log lines say the dead-letter send failed, want %d", n, len(poison.Records))
	}
	if item := f.item("job-clean-001"); item.Status != tables.StatusSuccess {
		t.Errorf("the valid messages of the batch were held back: %+v", item)
	}
	if n := f.ddb.Calls("UpdateItem"); n != int64(len(clean.Records)) {
		t.Errorf("%d writes, want one per valid message (%d)", n, len(clean.Records))
	}
}

func TestDeadLetterQueueMisconfiguredFailsTheInvocation(t *testing.T) {
	f := newFixture(t)
	f.queue.failWith = &smithy.GenericAPIError{Code: "AWS.SimpleQueueService.NonExistentQueue", Message: "no queue", Fault: smithy.FaultClient}
	_, err := f.h.Handle(context.Background(), loadEvent(t, "poison.json"))
	if err == nil || !strings.Contains(err.Error(), "dead-letter queue") || !strings.Contains(f.logs.String(), "misconfigured") {
		t.Errorf("got %v; logs:\n%s", err, f.logs)
	}
}

// TestFaultsAreRetriedAndConverge injects throttles, 500s and timeouts into a share of the writes:
// exactly those messages come back as failures, and redelivering them reaches the right state.
func TestFaultsAreRetriedAndConverge(t *testing.T) {
	faults := map[string]error{
		"job-f-0": &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")},
		"job-f-1": &smithy.GenericAPIError{Code: "InternalServerError", Message: "500", Fault: smithy.FaultServer},
		"job-f-2": fmt.Errorf("operation error DynamoDB: UpdateItem: %w", context.DeadlineExceeded),
		"job-f-3": &smithy.GenericAPIError{Code: "ThrottlingException", Message: "rate exceeded", Fault: smithy.FaultClient},
	}
	f := newFixture(t)
	var mu sync.Mutex
	attempts := map[string]int{}
	f.ddb.SetFault(onUpdate(func(in *dynamodb.UpdateItemInput) error {
		id := in.Key[tables.AttrRequestID].(*types.AttributeValueMemberS).Value
		mu.Lock()
		attempts[id]++
		mu.Unlock()
		return faults[id]
	}))
	var records []events.SQSMessage
	for i := range 8 {
		req := fmt.Sprintf("job-f-%d", i)
		records = append(records,
			msg(req+"-a", req, "u", "STARTED", 0),
			msg(req+"-b", req, "u", "IN_PROGRESS", 10),
			msg(req+"-c", req, "u", "SUCCESS", 20))
	}
	resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q", records...))
	var want []string
	for i := range 4 {
		for _, s := range []string{"a", "b", "c"} {
			want = append(want, fmt.Sprintf("job-f-%d-%s", i, s))
		}
	}
	got := failedIDs(resp)
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("failures %v, want %v", got, want)
	}
	for id := range faults {
		if attempts[id] != 1 {
			t.Errorf("%s: %d writes tried; after its first failure the request's later messages should not be", id, attempts[id])
		}
	}
	// Redeliver what failed, now that DynamoDB is healthy again.
	f.ddb.SetFault(nil)
	var again []events.SQSMessage
	for _, r := range records {
		if slices.Contains(got, r.MessageId) {
			again = append(again, r)
		}
	}
	if resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q", again...)); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery failed: %v", failedIDs(resp))
	}
	for i := range 8 {
		if item := f.item(fmt.Sprintf("job-f-%d", i)); item.Status != tables.StatusSuccess || item.StartedAt == "" || item.InProgressAt == "" {
			t.Errorf("job-f-%d after redelivery: %+v", i, item)
		}
	}
}

func TestFIFOGroupStopsAtFirstFailure(t *testing.T) {
	f := newFixture(t)
	ev := loadEvent(t, "fifo.json")
	// The second message of group job-fifo-a (its first IN_PROGRESS) is throttled.
	f.ddb.SetFault(onUpdate(func(in *dynamodb.UpdateItemInput) error {
		if in.ExpressionAttributeValues != nil {
			for _, v := range in.ExpressionAttributeValues {
				if s, ok := v.(*types.AttributeValueMemberS); ok && strings.HasPrefix(s.Value, "2026-11-24T15:01:00.000000Z#") {
					return &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")}
				}
			}
		}
		return nil
	}))
	resp := f.handle(ev)
	got := failedIDs(resp)
	var want []string
	for _, r := range ev.Records[2:] { // the failed one and every later one of its group
		if r.Attributes["MessageGroupId"] == "job-fifo-a" {
			want = append(want, r.MessageId)
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("failures %v, want %v", got, want)
	}
	if item := f.item("job-fifo-b"); item.Status != tables.StatusFailed {
		t.Errorf("the other group was held back: %+v", item)
	}
	if item := f.item("job-fifo-a"); item.Status != tables.StatusStarted {
		t.Errorf("group a moved past its failure: %+v", item)
	}
}

// slowApplier holds every Apply for a while, to run an invocation out of time.
type slowApplier struct {
	EventApplier
	delay time.Duration
}

func (s slowApplier) Apply(ctx context.Context, ev trainEvent) (result, error) {
	time.Sleep(s.delay)
	return s.EventApplier.Apply(ctx, ev)
}

func TestDeadlineMidBatchReportsWhatWasNotDone(t *testing.T) {
	f := newFixture(t)
	f.h.Applier = slowApplier{EventApplier: f.h.Applier, delay: 150 * time.Millisecond}
	f.h.Concurrency = 1
	// A margin wider than one message keeps every started call clear of the cut-off, so each
	// message is either applied and reported done, or not started and reported failed.
	f.h.Margin = 400 * time.Millisecond
	var records []events.SQSMessage
	for i := range 10 {
		req := fmt.Sprintf("job-d-%d", i)
		records = append(records, msg(req, req, "u", "STARTED", 0))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 400*time.Millisecond+3*150*time.Millisecond+50*time.Millisecond)
	defer cancel()
	resp, err := f.h.Handle(ctx, sqsEvent("arn:aws:sqs:us-east-1:1:q", records...))
	if err != nil {
		t.Fatal(err)
	}
	failed := failedIDs(resp)
	done := 0
	for _, r := range records {
		if _, err := f.table.Get(key(r.MessageId)).One(context.Background()); err == nil {
			done++
			if slices.Contains(failed, r.MessageId) {
				t.Errorf("%s was applied but reported as failed", r.MessageId)
			}
		} else if !slices.Contains(failed, r.MessageId) {
			t.Errorf("%s was not applied and not reported", r.MessageId)
		}
	}
	if done == 0 || done == len(records) {
		t.Errorf("%d of %d done: the deadline should fall mid-batch", done, len(records))
	}
	if !strings.Contains(f.logs.String(), "invocation deadline is near") {
		t.Error("no log line says why messages were not started")
	}
}

func TestMissingTableFailsTheInvocation(t *testing.T) {
	f := newFixture(t)
	f.ddb.SetFault(onUpdate(func(*dynamodb.UpdateItemInput) error {
		return &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
	}))
	_, err := f.h.Handle(context.Background(), loadEvent(t, "clean-run.json"))
	var nf *types.ResourceNotFoundException
	if !errors.As(err, &nf) || !strings.Contains(f.logs.String(), "misconfigured") {
		t.Errorf("got %v; logs:\n%s", err, f.logs)
	}
}

func TestMetricsLineCountsOutcomes(t *testing.T) {
	f := newFixture(t)
	f.handle(loadEvent(t, "duplicates.json"))
	line := f.metrics.String()
	for _, want := range []string{`"applied":3`, `"duplicate":2`, `"stale":1`, `"Messages":6`, `"Namespace":"trainstatus"`, `"CloudWatchMetrics"`} {
		if !strings.Contains(line, want) {
			t.Errorf("EMF line lacks %s: %s", want, line)
		}
	}
}
