package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/trainstatus/trainstatus/local/esm"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// inProcess is the Lambda service for the handler: the local event source mapping invokes it with
// the real events.SQSEvent JSON and reads its answer, as through the Invoke API.
type inProcess struct{ h *Handler }

func (p inProcess) Invoke(ctx context.Context, _ string, payload []byte) (invoke.Result, error) {
	var ev events.SQSEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return invoke.Result{}, err
	}
	resp, err := p.h.Handle(ctx, ev)
	if err != nil {
		return invoke.Result{Payload: []byte(strconv.Quote(err.Error())), FunctionError: "Unhandled"}, nil
	}
	out, err := json.Marshal(resp)
	return invoke.Result{Payload: out}, err
}

// TestFaultsAt20PercentLoseNoMessage (issue 12.6): events flow through fauxqs (the events queue
// with its redrive policy after deploy.MaxReceiveCount receives) and the local event source
// mapping into the handler, while 20% of its DynamoDB writes fail (throttles, 500s, timeouts, and
// answers lost after the write) and every write of one job fails. Every message ends applied, or
// dead-lettered by the handler with "retries exhausted: <the failure>"; none is moved by SQS's
// redrive (which gives no reason), none is lost. Before, the doomed job's messages were moved
// with no reason after their fifth receive.
func TestFaultsAt20PercentLoseNoMessage(t *testing.T) {
	const jobs, doomed = 40, "job-doomed"
	f := newFixture(t)
	sq := sqsClient(t)
	ctx := t.Context()
	q, err := fauxqs.Create(ctx, sq, fauxqs.Queues{
		Name: fmt.Sprintf("events-%d", queueSeq.Add(1)), DeadLetterName: fmt.Sprintf("events-dlq-%d", queueSeq.Add(1)),
		// With no visibility timeout a message left by the handler is at once visible again: the
		// mapping's single poller redelivers it on its next batch.
		MaxReceiveCount: deploy.MaxReceiveCount, VisibilityTimeout: 0,
	})
	if err != nil {
		t.Fatal(err)
	}
	f.h.DeadLetterURL = q.DeadLetterURL
	f.dlq.url = q.DeadLetterURL

	raw := ddbtest.Client(t) // the lost answers' writes go here, behind the spy
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(12, 6))
	kinds := map[string]int{}
	f.ddb.SetFault(func(ctx context.Context, op string, in any) error {
		u, ok := in.(*dynamodb.UpdateItemInput)
		if !ok {
			return nil
		}
		mu.Lock()
		roll, kind := rng.Float64(), rng.IntN(4)
		mu.Unlock()
		if u.Key[tables.AttrRequestID].(*types.AttributeValueMemberS).Value == doomed {
			return &smithy.GenericAPIError{Code: "InternalServerError", Message: "doomed", Fault: smithy.FaultServer}
		}
		if roll >= 0.2 {
			return nil
		}
		mu.Lock()
		kinds[[]string{"throttle", "500", "timeout", "lost answer"}[kind]]++
		mu.Unlock()
		switch kind {
		case 0:
			return &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")}
		case 1:
			return &smithy.GenericAPIError{Code: "InternalServerError", Message: "500", Fault: smithy.FaultServer}
		case 2:
			return fmt.Errorf("operation error DynamoDB: UpdateItem: %w", context.DeadlineExceeded)
		default: // the write happened, its answer did not arrive
			_, _ = raw.UpdateItem(ctx, u)
			return fmt.Errorf("operation error DynamoDB: UpdateItem: read: connection reset by peer: %w", errors.New("EOF"))
		}
	})

	// Send every job's five events, shuffled, recording each message's id.
	type event struct{ req, status, body string }
	var evs []event
	for i := range jobs + 1 {
		req := fmt.Sprintf("job-%02d", i)
		if i == jobs {
			req = doomed
		}
		for k, status := range []string{"STARTED", "IN_PROGRESS", "IN_PROGRESS", "IN_PROGRESS", "SUCCESS"} {
			evs = append(evs, event{req, status, fmt.Sprintf(`{"request_id":%q,"user_id":%q,"status":%q,"event_time":%q,"progress":%d}`,
				req, alice, status, base.Add(time.Duration(k)*time.Minute).Format(time.RFC3339), 25*k)})
		}
	}
	rng.Shuffle(len(evs), func(i, j int) { evs[i], evs[j] = evs[j], evs[i] })
	ids := map[string]event{} // SQS message id -> what it carries
	for start := 0; start < len(evs); start += 10 {
		var entries []sqstypes.SendMessageBatchRequestEntry
		for i, ev := range evs[start:min(start+10, len(evs))] {
			entries = append(entries, sqstypes.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(start + i)), MessageBody: aws.String(ev.body)})
		}
		out, err := sq.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: &q.URL, Entries: entries})
		if err != nil || len(out.Failed) > 0 {
			t.Fatalf("sending events: %v %v", err, out)
		}
		for _, ok := range out.Successful {
			i, _ := strconv.Atoi(aws.ToString(ok.Id))
			ids[aws.ToString(ok.MessageId)] = evs[i]
		}
	}

	// Run the event source mapping until the queue is empty.
	m := esm.New(esm.Config{QueueURL: q.URL, QueueARN: q.ARN, Function: deploy.StatusUpdater, WaitTime: time.Second},
		sq, inProcess{f.h}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	batches := 0
	for {
		out, err := m.PollOnce(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if out.Received == 0 {
			break
		}
		batches++
	}
	attrs, err := sq.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &q.URL,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll}})
	if err != nil || attrs.Attributes["ApproximateNumberOfMessages"] != "0" || attrs.Attributes["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("events queue not drained: %v %v", err, attrs.Attributes)
	}

	// The last outcome logged for each message.
	last := map[string]Outcome{}
	for line := range strings.Lines(f.logs.String()) {
		var l struct {
			Outcome   Outcome `json:"outcome"`
			MessageID string  `json:"message_id"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Outcome != "" {
			last[l.MessageID] = l.Outcome
		}
	}
	dead := map[string]deadletter.Message{}
	for _, d := range f.dlq.all() {
		if d.Reason == "" {
			t.Errorf("message %q was moved to the dead-letter queue by SQS, with no reason (receive count %d)", d.Body, d.DLQReceiveCount)
			continue
		}
		dead[d.OriginalMessageID] = d
	}
	counts := map[Outcome]int{}
	exhaustedJobs := map[string]bool{}
	for id, s := range ids {
		o := last[id]
		counts[o]++
		d, isDead := dead[id]
		switch {
		case o.fate() == done && !isDead:
		case o == Exhausted && isDead && strings.HasPrefix(d.Reason, "retries exhausted: ") && d.ReceiveCount == deploy.MaxReceiveCount:
			exhaustedJobs[s.req] = true
		default:
			t.Errorf("%s (%s %s): last outcome %q, dead-lettered %v %q", id, s.req, s.status, o, isDead, d.Reason)
		}
	}
	if len(dead) != counts[Exhausted] {
		t.Errorf("%d dead-letter messages, %d messages exhausted", len(dead), counts[Exhausted])
	}
	for id, s := range ids {
		if s.req == doomed && last[id] != Exhausted {
			t.Errorf("%s of the doomed job: %q, want exhausted", s.status, last[id])
		}
	}
	// Every job none of whose messages was dead-lettered ended as in-order delivery leaves it.
	for i := range jobs {
		req := fmt.Sprintf("job-%02d", i)
		if exhaustedJobs[req] {
			continue
		}
		if item := f.item(req); item.Status != job.Success || item.Progress == nil || *item.Progress != 100 || item.StartedAt == "" || item.InProgressAt == "" {
			t.Errorf("%s: %+v", req, item)
		}
	}
	t.Logf("%d messages in %d batches; faults %v; last outcomes %v", len(ids), batches, kinds, counts)
}
