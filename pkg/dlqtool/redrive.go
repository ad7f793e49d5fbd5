package dlqtool

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// Selection chooses the dead-letter messages to redrive: all, or those whose dead-letter
// message id or original message id is in IDs.
type Selection struct {
	All bool
	IDs []string
}

// RedriveFailure is a message Redrive could not move.
type RedriveFailure struct {
	Message deadletter.Message
	Sent    bool // sent, but not deleted from the dead-letter queue: it will be redriven again
	Err     error
}

// RedriveResult says what Redrive did.
type RedriveResult struct {
	Redriven []deadletter.Message // sent to the queue and deleted from the dead-letter queue
	Failed   []RedriveFailure
	NotFound []string // IDs of the selection not seen in the dead-letter queue
	Warnings []error  // unreadable attributes, a failed release; nothing was lost
}

// Err is nil when every chosen message was redriven, else an error naming what was not.
func (r RedriveResult) Err() error {
	var errs []error
	for _, f := range r.Failed {
		what := "not sent"
		if f.Sent {
			what = "sent but not deleted"
		}
		errs = append(errs, fmt.Errorf("message %s %s: %w", f.Message.MessageID, what, f.Err))
	}
	if len(r.NotFound) > 0 {
		errs = append(errs, fmt.Errorf("%w: %q", ErrNotFound, r.NotFound))
	}
	return errors.Join(errs...)
}

// ErrNotVerbatim: the dead-letter message does not hold the original body (it was empty, or too
// large to dead-letter beside its reason, and was replaced or cut: see pkg/deadletter), so sending
// it back would send something the job never sent. It stays in the dead-letter queue.
var ErrNotVerbatim = errors.New("dlqtool: the dead-letter body is not the original message's; it cannot be redriven")

// ErrNotFound matches the error of RedriveResult.Err when chosen ids were not in the queue.
var ErrNotFound = errors.New("dlqtool: messages not found in the dead-letter queue")

// Redrive sends the chosen messages back to queueURL with their original body and deletes each
// from the dead-letter queue after its send succeeded. On a FIFO queue the group is the
// message's request id and the deduplication id derives from its dead-letter message id, so a
// message redriven twice (its delete failed) within 5 minutes arrives once. Messages not chosen
// are made visible again. The error is for a failed receive only; see RedriveResult.Err.
func (d *Queue) Redrive(ctx context.Context, queueURL string, sel Selection) (RedriveResult, error) {
	var res RedriveResult
	want := map[string]bool{}
	for _, id := range sel.IDs {
		want[id] = true
	}
	var fatal error
	d.scan(ctx,
		func(m deadletter.Message) (bool, bool) {
			chosen := sel.All || want[m.MessageID] || want[m.OriginalMessageID]
			if !chosen {
				return false, true
			}
			delete(want, m.MessageID)
			delete(want, m.OriginalMessageID)
			deleted := d.redriveOne(ctx, queueURL, m, &res)
			return deleted, sel.All || len(want) > 0
		},
		func(err error) bool {
			if errors.Is(err, deadletter.ErrMalformed) {
				res.Warnings = append(res.Warnings, err)
				return true
			}
			if fatal == nil && ctx.Err() == nil && !isRelease(err) {
				fatal = err
			} else {
				res.Warnings = append(res.Warnings, err)
			}
			return false
		})
	for _, id := range sel.IDs {
		if want[id] {
			res.NotFound = append(res.NotFound, id)
		}
	}
	if fatal == nil {
		fatal = ctx.Err()
	}
	return res, fatal
}

// redriveOne sends m to queueURL, then deletes it; it returns whether it was deleted.
func (d *Queue) redriveOne(ctx context.Context, queueURL string, m deadletter.Message, res *RedriveResult) bool {
	if !m.Verbatim() {
		res.Failed = append(res.Failed, RedriveFailure{Message: m, Err: fmt.Errorf("%w (original size %d bytes, sha256 %s)",
			ErrNotVerbatim, m.OriginalBodySize, m.OriginalBodySHA256)})
		return false
	}
	in := &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(m.Body)}
	if deadletter.IsFIFO(queueURL) {
		sum := sha256.Sum256([]byte("redrive\x00" + m.MessageID))
		in.MessageGroupId = aws.String(groupOf(m))
		in.MessageDeduplicationId = aws.String(hex.EncodeToString(sum[:]))
	}
	_, err := d.Retry.Do(ctx, producer.Retryable, func() error {
		_, err := d.api.SendMessage(ctx, in)
		return err
	})
	if err != nil {
		res.Failed = append(res.Failed, RedriveFailure{Message: m, Err: fmt.Errorf("send to %s: %w", queueURL, err)})
		return false
	}
	_, err = d.Retry.Do(ctx, producer.Retryable, func() error {
		_, err := d.api.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(d.url), ReceiptHandle: aws.String(m.ReceiptHandle)})
		return err
	})
	if err != nil {
		res.Failed = append(res.Failed, RedriveFailure{Message: m, Sent: true, Err: fmt.Errorf("delete from dead-letter queue: %w", err)})
		return false
	}
	res.Redriven = append(res.Redriven, m)
	return true
}

// groupOf is the FIFO group of a redriven message: its request id, from the attribute or the
// body, else "unknown-request".
func groupOf(m deadletter.Message) string {
	if e, err := trainevent.Parse([]byte(m.Body)); err == nil {
		return e.RequestID
	}
	if deadletter.ValidGroupID(m.RequestID) {
		return m.RequestID
	}
	return "unknown-request"
}

// releaseError is a failed release at the end of a scan: the messages reappear later anyway.
type releaseError struct{ err error }

func (e *releaseError) Error() string { return e.err.Error() }
func (e *releaseError) Unwrap() error { return e.err }

func isRelease(err error) bool {
	var r *releaseError
	return errors.As(err, &r)
}
