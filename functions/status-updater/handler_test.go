package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"

	"github.com/trainstatus/trainstatus/pkg/job"
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
			if dl := f.dlq.reasons(); len(dl) != 0 {
				t.Errorf("valid messages were dead-lettered: %v", dl)
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
	dead := map[string]int{}
	for i, m := range f.dlq.all() {
		dead[m.OriginalMessageID] = i
	}
	all := f.dlq.all()
	wantField := map[string]string{
		"0001": "body", "0002": "user_id", "0003": "status", "0004": "progress", "0005": "message",
		"0006": "request_id", "0007": "event_time", "0008": "event_time", "0009": "seq", "0010": "body",
	}
	for _, msg := range ev.Records {
		suffix := msg.MessageId[len(msg.MessageId)-4:]
		i, ok := dead[msg.MessageId]
		if !ok {
			t.Errorf("%s not dead-lettered", suffix)
			continue
		}
		m := all[i]
		if !strings.Contains(m.Reason, wantField[suffix]) || m.Body != msg.Body || !m.Verbatim() || m.ReceiveCount != 1 {
			t.Errorf("%s: reason %q (want it to name %s), body kept %v, receive count %d", suffix, m.Reason, wantField[suffix], m.Body == msg.Body, m.ReceiveCount)
		}
	}
	if n := f.ddb.Calls("UpdateItem"); n != 0 {
		t.Errorf("invalid messages made %d writes", n)
	}
}

// A job is (user, request): an event naming another user is that user's job, not poison.
func TestSameRequestIDForTwoUsers(t *testing.T) {
	f := newFixture(t)
	resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q",
		msg("m1", "job-123", "STARTED", 0),
		msgOf("m2", bob, "job-123", "SUCCESS", base.Add(10*time.Second))))
	if len(resp.BatchItemFailures) != 0 || len(f.dlq.reasons()) != 0 {
		t.Fatalf("failures %v, dead letters %v", failedIDs(resp), f.dlq.reasons())
	}
	cases := []struct {
		user string
		want job.Status
	}{{alice, job.Started}, {bob, job.Success}}
	for _, c := range cases {
		item, err := f.table.Get(tables.StatusKey(c.user, "job-123")).Consistent().One(context.Background())
		if err != nil || item.Status != c.want || item.UserID != c.user {
			t.Errorf("%s's job-123: %+v, %v; want %s", c.user, item, err, c.want)
		}
	}
}

func TestFailedDeadLetterSendIsRetried(t *testing.T) {
	f := newFixture(t)
	f.queue.failWith(errors.New("sqs: connection reset"))
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
	if item := f.item("job-clean-001"); item.Status != job.Success {
		t.Errorf("the valid messages of the batch were held back: %+v", item)
	}
	if n := f.ddb.Calls("UpdateItem"); n != int64(len(clean.Records)) {
		t.Errorf("%d writes, want one per valid message (%d)", n, len(clean.Records))
	}
}

// TestDeadLetterQueueMisconfiguredFailsTheInvocation: a dead-letter queue that does not exist
// fails the whole invocation with a "misconfigured" log, whether SQS's answer is injected or is
// fauxqs's own answer to the real sender.
func TestDeadLetterQueueMisconfiguredFailsTheInvocation(t *testing.T) {
	cases := []struct {
		name  string
		setup func(f *fixture)
	}{
		{"injected NonExistentQueue", func(f *fixture) {
			f.queue.failWith(&smithy.GenericAPIError{Code: "AWS.SimpleQueueService.NonExistentQueue", Message: "no queue", Fault: smithy.FaultClient})
		}},
		{"no such queue on fauxqs", func(f *fixture) {
			f.h.DeadLetterURL = sqsServer.Endpoint + "/000000000000/no-such-dead-letter-queue"
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			tc.setup(f)
			_, err := f.h.Handle(context.Background(), loadEvent(t, "poison.json"))
			if err == nil || !strings.Contains(err.Error(), "dead-letter queue") || !strings.Contains(f.logs.String(), "misconfigured") {
				t.Errorf("got %v; logs:\n%s", err, f.logs)
			}
		})
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
			msg(req+"-a", req, "STARTED", 0),
			msg(req+"-b", req, "IN_PROGRESS", 10),
			msg(req+"-c", req, "SUCCESS", 20))
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
			t.Errorf("%s: %d writes tried; after its first failure the job's later messages should not be", id, attempts[id])
		}
	}
	// Redeliver what failed, now that DynamoDB is healthy again.
	f.ddb.SetFault(nil)
	var again []events.SQSMessage
	for _, r := range records {
		if slices.Contains(got, r.MessageId) {
			again = append(again, received(r, 2))
		}
	}
	if resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q", again...)); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery failed: %v", failedIDs(resp))
	}
	for i := range 8 {
		if item := f.item(fmt.Sprintf("job-f-%d", i)); item.Status != job.Success || item.StartedAt == "" || item.InProgressAt == "" {
			t.Errorf("job-f-%d after redelivery: %+v", i, item)
		}
	}
}

func TestFIFOGroupStopsAtFirstFailure(t *testing.T) {
	f := newFixture(t)
	ev := loadEvent(t, "fifo.json")
	// The second message of group job-fifo-a (its first IN_PROGRESS) is throttled.
	f.ddb.SetFault(onUpdate(throttleAt("2026-11-24T15:01:00.000000Z#")))
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
	if item := f.item("job-fifo-b"); item.Status != job.Failed {
		t.Errorf("the other group was held back: %+v", item)
	}
	if item := f.item("job-fifo-a"); item.Status != job.Started {
		t.Errorf("group a moved past its failure: %+v", item)
	}
}

// throttleAt throttles the writes of the event whose order key starts with prefix.
func throttleAt(prefix string) func(in *dynamodb.UpdateItemInput) error {
	return func(in *dynamodb.UpdateItemInput) error {
		for _, v := range in.ExpressionAttributeValues {
			if s, ok := v.(*types.AttributeValueMemberS); ok && strings.HasPrefix(s.Value, prefix) {
				return &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")}
			}
		}
		return nil
	}
}

// holdingApplier applies the first event, then holds until the invocation is within margin of its
// deadline: every later message of the batch starts past the cut-off, whatever the machine's speed.
type holdingApplier struct {
	EventApplier
	deadline time.Time
	margin   time.Duration
	calls    atomic.Int32
}

func (h *holdingApplier) Apply(ctx context.Context, ev trainEvent) (result, error) {
	r, err := h.EventApplier.Apply(ctx, ev)
	if h.calls.Add(1) == 1 {
		tick := time.NewTicker(5 * time.Millisecond)
		defer tick.Stop()
		for time.Until(h.deadline) >= h.margin {
			select {
			case <-ctx.Done():
				return r, err
			case <-tick.C:
			}
		}
	}
	return r, err
}

// TestDeadlineMidBatchReportsWhatWasNotDone: once the deadline is within the margin, no message is
// started; the one applied is reported done, the rest failed (for redelivery), with the reason.
func TestDeadlineMidBatchReportsWhatWasNotDone(t *testing.T) {
	f := newFixture(t)
	f.h.Concurrency = 1
	f.h.Margin = 2 * time.Second
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	deadline, _ := ctx.Deadline()
	holder := &holdingApplier{EventApplier: f.h.Applier, deadline: deadline, margin: f.h.Margin}
	f.h.Applier = holder
	var records []events.SQSMessage
	for i := range 10 {
		req := fmt.Sprintf("job-d-%d", i)
		records = append(records, msg(req, req, "STARTED", 0))
	}
	resp, err := f.h.Handle(ctx, sqsEvent("arn:aws:sqs:us-east-1:1:q", records...))
	if err != nil {
		t.Fatal(err)
	}
	failed := failedIDs(resp)
	for i, r := range records {
		applied, reported := f.exists(r.MessageId), slices.Contains(failed, r.MessageId)
		if want := i == 0; applied != want || reported == want {
			t.Errorf("message %d: applied %t, reported failed %t; want applied %t and reported %t", i, applied, reported, want, !want)
		}
	}
	if n := holder.calls.Load(); n != 1 {
		t.Errorf("%d events applied, want 1: none may start within the margin", n)
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
