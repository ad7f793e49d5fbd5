// Package sqsfake is an in-memory SQS for tests: it implements producer.SQSAPI and
// dlqtool.SQSAPI with the behaviour the producer, the dead-letter tools and the CLI rely on
// (visibility timeouts, receipt handles, receive counts, FIFO deduplication, batch limits) and
// lets a test inject faults into any call or any batch entry.
package sqsfake

import (
	"context"
	"crypto/md5"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
)

// Fake is an in-memory SQS. The zero value is not ready; use New.
type Fake struct {
	mu     sync.Mutex
	queues map[string]*queue
	nextID int
	calls  map[string]int

	// Now is the clock (time.Now by default); tests may move it to expire visibility timeouts.
	Now func() time.Time
	// Fault, if set, is called before every call with the operation name ("SendMessage", ...)
	// and its input; a non-nil error is returned instead of making the call.
	Fault func(op string, in any) error
	// EntryFault, if set, is called for every entry of SendMessageBatch (and
	// ChangeMessageVisibilityBatch); a non-nil result fails that entry. It runs with the Fake
	// locked, so it must not call the Fake.
	EntryFault func(op string, entryID, body string) *types.BatchResultErrorEntry
}

// Stored is a message held by the fake.
type Stored struct {
	ID               string
	Body             string
	Attributes       map[string]types.MessageAttributeValue
	GroupID, DedupID string
	SentAt           time.Time
	ReceiveCount     int
	receipt          string
	visibleAt        time.Time
}

type queue struct {
	msgs  []*Stored
	dedup map[string]bool
}

// New returns an empty fake; queues exist as soon as they are named.
func New() *Fake {
	return &Fake{queues: map[string]*queue{}, calls: map[string]int{}, Now: time.Now}
}

// Calls returns how many calls of op were made (including faulted ones).
func (f *Fake) Calls(op string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[op]
}

// Messages returns a copy of every message in the queue, visible or not, oldest first.
func (f *Fake) Messages(url string) []Stored {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Stored
	for _, m := range f.q(url).msgs {
		out = append(out, *m)
	}
	return out
}

// Visible returns how many messages of the queue are visible now.
func (f *Fake) Visible(url string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	n := 0
	for _, m := range f.q(url).msgs {
		if !f.Now().Before(m.visibleAt) {
			n++
		}
	}
	return n
}

func (f *Fake) q(url string) *queue {
	q, ok := f.queues[url]
	if !ok {
		q = &queue{dedup: map[string]bool{}}
		f.queues[url] = q
	}
	return q
}

// begin counts a call and runs the Fault hook, without holding the lock (the hook may call
// the Fake's inspection methods).
func (f *Fake) begin(op string, in any) error {
	f.mu.Lock()
	f.calls[op]++
	fault := f.Fault
	f.mu.Unlock()
	if fault != nil {
		return fault(op, in)
	}
	return nil
}

// APIError returns an error as the SDK would: code, message and fault.
func APIError(code, msg string, fault smithy.ErrorFault) error {
	return &smithy.GenericAPIError{Code: code, Message: msg, Fault: fault}
}

func invalid(msg string) error { return APIError("InvalidParameterValue", msg, smithy.FaultClient) }

// put stores a message; it returns its id, or "" when FIFO deduplication dropped it (SQS then
// still answers with a message id; the fake gives a fresh one).
func (f *Fake) put(url, body string, attrs map[string]types.MessageAttributeValue, group, dedup *string) (string, error) {
	if body == "" {
		return "", APIError("MissingParameter", "The request must contain the parameter MessageBody.", smithy.FaultClient)
	}
	fifo := strings.HasSuffix(url, ".fifo")
	if fifo && aws.ToString(group) == "" {
		return "", invalid("The request must contain the parameter MessageGroupId.")
	}
	if fifo && aws.ToString(dedup) == "" {
		return "", invalid("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	}
	f.nextID++
	id := fmt.Sprintf("00000000-0000-4000-8000-%012d", f.nextID)
	q := f.q(url)
	if fifo {
		if q.dedup[*dedup] {
			return id, nil
		}
		q.dedup[*dedup] = true
	}
	q.msgs = append(q.msgs, &Stored{ID: id, Body: body, Attributes: attrs, GroupID: aws.ToString(group),
		DedupID: aws.ToString(dedup), SentAt: f.Now()})
	return id, nil
}

// Put stores a message directly, as if sent by someone else, and returns its id.
func (f *Fake) Put(url, body string, attrs map[string]types.MessageAttributeValue) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var group, dedup *string
	if strings.HasSuffix(url, ".fifo") {
		group, dedup = aws.String("g"), aws.String(strconv.Itoa(f.nextID+1))
	}
	id, err := f.put(url, body, attrs, group, dedup)
	if err != nil {
		panic(err)
	}
	return id
}

// PutDeadLetter stores a dead letter as the status-updater sends it, and returns its id.
func (f *Fake) PutDeadLetter(m deadletter.Outgoing) string {
	return f.Put(m.QueueURL, m.Body, m.Input().MessageAttributes)
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (f *Fake) SendMessage(_ context.Context, in *sqs.SendMessageInput, _ ...func(*sqs.Options)) (*sqs.SendMessageOutput, error) {
	if err := f.begin("SendMessage", in); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	id, err := f.put(aws.ToString(in.QueueUrl), aws.ToString(in.MessageBody), in.MessageAttributes, in.MessageGroupId, in.MessageDeduplicationId)
	if err != nil {
		return nil, err
	}
	return &sqs.SendMessageOutput{MessageId: aws.String(id), MD5OfMessageBody: aws.String(md5Hex(aws.ToString(in.MessageBody)))}, nil
}

func (f *Fake) SendMessageBatch(_ context.Context, in *sqs.SendMessageBatchInput, _ ...func(*sqs.Options)) (*sqs.SendMessageBatchOutput, error) {
	if err := f.begin("SendMessageBatch", in); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(in.Entries) == 0 {
		return nil, APIError("EmptyBatchRequest", "no entries", smithy.FaultClient)
	}
	if len(in.Entries) > 10 {
		return nil, APIError("TooManyEntriesInBatchRequest", "more than 10 entries", smithy.FaultClient)
	}
	size, ids := 0, map[string]bool{}
	for _, e := range in.Entries {
		size += len(aws.ToString(e.MessageBody))
		if ids[aws.ToString(e.Id)] {
			return nil, APIError("BatchEntryIdsNotDistinct", "ids not distinct", smithy.FaultClient)
		}
		ids[aws.ToString(e.Id)] = true
	}
	if size > 256<<10 {
		return nil, APIError("BatchRequestTooLong", "batch larger than 256 KiB", smithy.FaultClient)
	}
	out := &sqs.SendMessageBatchOutput{}
	for _, e := range in.Entries {
		if f.EntryFault != nil {
			if fe := f.EntryFault("SendMessageBatch", aws.ToString(e.Id), aws.ToString(e.MessageBody)); fe != nil {
				fe.Id = e.Id
				out.Failed = append(out.Failed, *fe)
				continue
			}
		}
		id, err := f.put(aws.ToString(in.QueueUrl), aws.ToString(e.MessageBody), e.MessageAttributes, e.MessageGroupId, e.MessageDeduplicationId)
		if err != nil {
			out.Failed = append(out.Failed, types.BatchResultErrorEntry{Id: e.Id, Code: aws.String("InvalidParameterValue"), Message: aws.String(err.Error()), SenderFault: true})
			continue
		}
		out.Successful = append(out.Successful, types.SendMessageBatchResultEntry{Id: e.Id, MessageId: aws.String(id), MD5OfMessageBody: aws.String(md5Hex(aws.ToString(e.MessageBody)))})
	}
	return out, nil
}

func (f *Fake) ReceiveMessage(_ context.Context, in *sqs.ReceiveMessageInput, _ ...func(*sqs.Options)) (*sqs.ReceiveMessageOutput, error) {
	if err := f.begin("ReceiveMessage", in); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	max := int(in.MaxNumberOfMessages)
	if max == 0 {
		max = 1
	}
	if max < 1 || max > 10 {
		return nil, invalid("MaxNumberOfMessages must be 1 to 10")
	}
	now := f.Now()
	q := f.q(aws.ToString(in.QueueUrl))
	out := &sqs.ReceiveMessageOutput{}
	for _, m := range q.msgs {
		if len(out.Messages) == max {
			break
		}
		if now.Before(m.visibleAt) {
			continue
		}
		m.ReceiveCount++
		m.visibleAt = now.Add(time.Duration(in.VisibilityTimeout) * time.Second)
		f.nextID++
		m.receipt = fmt.Sprintf("rh-%s-%d", m.ID, f.nextID)
		attrs := map[string]string{
			"SentTimestamp":           strconv.FormatInt(m.SentAt.UnixMilli(), 10),
			"ApproximateReceiveCount": strconv.Itoa(m.ReceiveCount),
		}
		if m.GroupID != "" {
			attrs["MessageGroupId"] = m.GroupID
		}
		msgAttrs := map[string]types.MessageAttributeValue{}
		for name, v := range m.Attributes {
			if slices.Contains(in.MessageAttributeNames, name) || slices.Contains(in.MessageAttributeNames, "All") {
				msgAttrs[name] = v
			}
		}
		out.Messages = append(out.Messages, types.Message{
			MessageId: aws.String(m.ID), ReceiptHandle: aws.String(m.receipt), Body: aws.String(m.Body),
			MD5OfBody: aws.String(md5Hex(m.Body)), Attributes: attrs, MessageAttributes: msgAttrs,
		})
	}
	return out, nil
}

// find returns the index of the message with that receipt handle.
func (q *queue) find(receipt string) int {
	return slices.IndexFunc(q.msgs, func(m *Stored) bool { return m.receipt != "" && m.receipt == receipt })
}

func (f *Fake) DeleteMessage(_ context.Context, in *sqs.DeleteMessageInput, _ ...func(*sqs.Options)) (*sqs.DeleteMessageOutput, error) {
	if err := f.begin("DeleteMessage", in); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	q := f.q(aws.ToString(in.QueueUrl))
	i := q.find(aws.ToString(in.ReceiptHandle))
	if i < 0 {
		return nil, APIError("ReceiptHandleIsInvalid", "unknown receipt handle", smithy.FaultClient)
	}
	q.msgs = slices.Delete(q.msgs, i, i+1)
	return &sqs.DeleteMessageOutput{}, nil
}

func (f *Fake) ChangeMessageVisibilityBatch(_ context.Context, in *sqs.ChangeMessageVisibilityBatchInput, _ ...func(*sqs.Options)) (*sqs.ChangeMessageVisibilityBatchOutput, error) {
	if err := f.begin("ChangeMessageVisibilityBatch", in); err != nil {
		return nil, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(in.Entries) == 0 || len(in.Entries) > 10 {
		return nil, APIError("TooManyEntriesInBatchRequest", "1 to 10 entries", smithy.FaultClient)
	}
	q := f.q(aws.ToString(in.QueueUrl))
	out := &sqs.ChangeMessageVisibilityBatchOutput{}
	for _, e := range in.Entries {
		if f.EntryFault != nil {
			if fe := f.EntryFault("ChangeMessageVisibilityBatch", aws.ToString(e.Id), ""); fe != nil {
				fe.Id = e.Id
				out.Failed = append(out.Failed, *fe)
				continue
			}
		}
		i := q.find(aws.ToString(e.ReceiptHandle))
		if i < 0 {
			out.Failed = append(out.Failed, types.BatchResultErrorEntry{Id: e.Id, Code: aws.String("ReceiptHandleIsInvalid"), Message: aws.String("unknown receipt handle"), SenderFault: true})
			continue
		}
		q.msgs[i].visibleAt = f.Now().Add(time.Duration(e.VisibilityTimeout) * time.Second)
		out.Successful = append(out.Successful, types.ChangeMessageVisibilityBatchResultEntry{Id: e.Id})
	}
	return out, nil
}
