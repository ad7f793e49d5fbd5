package producer

import (
	"context"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// Limits of one SendMessageBatch request.
const (
	MaxBatchEntries = 10
	MaxBatchBytes   = 256 << 10 // the classic SQS limit; also fits queues configured larger
)

// entry is one event on its way.
type entry struct {
	index    int
	event    trainevent.Event
	body     string
	attempts int
	err      error
}

// SendBatch validates every event, then sends them in SendMessageBatch requests of at most
// MaxBatchEntries entries and MaxBatchBytes of bodies, in order. Entries that failed for a
// retryable reason, and whole requests that failed so, are retried with backoff up to
// Retry.Attempts calls per event. If any event is invalid nothing is sent. The error is a
// *BatchError listing every event not sent, or nil.
func (c *Client) SendBatch(ctx context.Context, events []trainevent.Event) error {
	entries := make([]*entry, len(events))
	var failed []FailedEvent
	for i, e := range events {
		body, err := e.Marshal()
		if err != nil {
			failed = append(failed, FailedEvent{Index: i, Event: e, Err: err})
			continue
		}
		entries[i] = &entry{index: i, event: e, body: string(body)}
	}
	if len(failed) > 0 {
		return &BatchError{Failed: failed, Total: len(events)}
	}
	for _, chunk := range chunks(entries) {
		for _, en := range c.sendChunk(ctx, chunk) {
			failed = append(failed, FailedEvent{Index: en.index, Event: en.event, Attempts: en.attempts, Err: en.err})
		}
	}
	if len(failed) > 0 {
		return &BatchError{Failed: failed, Total: len(events)}
	}
	return nil
}

// chunks splits entries into requests within the batch limits.
func chunks(entries []*entry) [][]*entry {
	var out [][]*entry
	var cur []*entry
	size := 0
	for _, en := range entries {
		if len(cur) == MaxBatchEntries || len(cur) > 0 && size+len(en.body) > MaxBatchBytes {
			out = append(out, cur)
			cur, size = nil, 0
		}
		cur = append(cur, en)
		size += len(en.body)
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// sendChunk sends one request's entries, retrying as SendBatch describes, and returns those
// that still failed, each with its last error.
func (c *Client) sendChunk(ctx context.Context, pending []*entry) []*entry {
	var failed []*entry
	for attempt := 1; len(pending) > 0; attempt++ {
		retry := c.call(ctx, pending)
		var again []*entry
		for _, en := range retry {
			if en.attempts >= c.Retry.MaxAttempts() || !retryableEntry(en.err) {
				failed = append(failed, en)
			} else {
				again = append(again, en)
			}
		}
		pending = again
		if len(pending) == 0 {
			break
		}
		if err := c.Retry.Wait(ctx, attempt); err != nil {
			for _, en := range pending {
				en.err = err
			}
			return append(failed, pending...)
		}
	}
	return failed
}

// call makes one SendMessageBatch request and returns the entries that did not succeed, each
// with its error set.
func (c *Client) call(ctx context.Context, entries []*entry) []*entry {
	in := &sqs.SendMessageBatchInput{QueueUrl: aws.String(c.queueURL)}
	byID := make(map[string]*entry, len(entries))
	for _, en := range entries {
		en.attempts++
		en.err = nil
		id := strconv.Itoa(en.index)
		byID[id] = en
		group, dedup := fifoIDs(c.queueURL, en.event)
		in.Entries = append(in.Entries, types.SendMessageBatchRequestEntry{
			Id: aws.String(id), MessageBody: aws.String(en.body),
			MessageGroupId: group, MessageDeduplicationId: dedup,
		})
	}
	out, err := c.api.SendMessageBatch(ctx, in)
	if err != nil {
		for _, en := range entries {
			en.err = err
		}
		return entries
	}
	for _, ok := range out.Successful {
		delete(byID, aws.ToString(ok.Id))
	}
	for _, f := range out.Failed {
		if en, found := byID[aws.ToString(f.Id)]; found {
			en.err = &EntryError{Code: aws.ToString(f.Code), Message: aws.ToString(f.Message), SenderFault: f.SenderFault}
		}
	}
	var left []*entry
	for _, en := range entries { // in order; an entry in neither list counts as a retryable failure
		if _, found := byID[strconv.Itoa(en.index)]; found {
			if en.err == nil {
				en.err = &EntryError{Code: "MissingFromResponse", Message: "entry neither successful nor failed"}
			}
			left = append(left, en)
		}
	}
	return left
}

func retryableEntry(err error) bool {
	if ee, ok := err.(*EntryError); ok {
		return !ee.SenderFault
	}
	return Retryable(err)
}
