package dlqtool

import (
	"context"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/retry"
)

// Queue reads and redrives one dead-letter queue.
type Queue struct {
	api SQSAPI
	url string
	// Visibility is how long a listed message stays hidden if releasing it at the end of the
	// listing fails (whole seconds, at least 1 s); 30 s by default.
	Visibility time.Duration
	// Wait is the long-polling wait of each receive (whole seconds, 0-20): a receive that finds
	// nothing new ends the listing. 1 s by default; 0 is short polling, which may miss messages.
	Wait time.Duration
	// Max bounds the number of messages one listing or redrive looks at; 10000 by default.
	Max int
	// Retry bounds the retries of each send and delete of Redrive; producer.DefaultRetry by default.
	Retry retry.Policy
}

// New returns a Queue for the dead-letter queue at url with the defaults above.
func New(api SQSAPI, url string) *Queue {
	return &Queue{api: api, url: url, Visibility: 30 * time.Second, Wait: time.Second, Max: 10000, Retry: producer.DefaultRetry}
}

// URL returns the dead-letter queue's URL.
func (d *Queue) URL() string { return d.url }

// scan receives every message of the queue once (up to Max), calling visit for each; visit
// returns whether the message was deleted, and whether to go on. At the end every message
// received and not deleted is made visible again. Errors are given to visit's caller through
// onErr, which returns whether to go on.
func (d *Queue) scan(ctx context.Context, visit func(deadletter.Message) (deleted, more bool), onErr func(error) bool) {
	held := map[string]string{} // message id -> receipt handle, of messages to release
	defer func() {
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		if err := d.release(rctx, held); err != nil {
			onErr(&releaseError{err})
		}
	}()
	seen := map[string]bool{}
	for len(seen) < d.Max {
		out, err := d.api.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl:                    aws.String(d.url),
			MaxNumberOfMessages:         int32(min(10, d.Max-len(seen))),
			VisibilityTimeout:           int32(max(d.Visibility/time.Second, 1)),
			WaitTimeSeconds:             int32(min(max(d.Wait/time.Second, 0), 20)),
			MessageAttributeNames:       deadletter.MessageAttributeNames,
			MessageSystemAttributeNames: SystemAttributeNames,
		})
		if err != nil {
			onErr(fmt.Errorf("dlqtool: receive from dead-letter queue %s: %w", d.url, err))
			return
		}
		var fresh []types.Message
		for _, raw := range out.Messages {
			id := aws.ToString(raw.MessageId)
			held[id] = aws.ToString(raw.ReceiptHandle) // the latest handle, also for one seen before
			if !seen[id] {
				seen[id] = true
				fresh = append(fresh, raw)
			}
		}
		for _, raw := range fresh {
			id := aws.ToString(raw.MessageId)
			m, err := Parse(raw)
			if err != nil && !onErr(fmt.Errorf("dlqtool: dead-letter message %s: %w", id, err)) {
				return
			}
			deleted, more := visit(m)
			if deleted {
				delete(held, id)
			}
			if !more {
				return
			}
		}
		if len(fresh) == 0 {
			return
		}
	}
}

// release makes the held messages visible again at once.
func (d *Queue) release(ctx context.Context, held map[string]string) error {
	var entries []types.ChangeMessageVisibilityBatchRequestEntry
	flush := func() error {
		if len(entries) == 0 {
			return nil
		}
		out, err := d.api.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(d.url), Entries: entries})
		entries = entries[:0]
		if err != nil {
			return fmt.Errorf("dlqtool: release dead-letter messages (they reappear after %v): %w", d.Visibility, err)
		}
		if len(out.Failed) > 0 {
			return fmt.Errorf("dlqtool: release %d dead-letter messages (they reappear after %v): %s", len(out.Failed), d.Visibility, aws.ToString(out.Failed[0].Message))
		}
		return nil
	}
	for _, handle := range held {
		entries = append(entries, types.ChangeMessageVisibilityBatchRequestEntry{
			Id: aws.String(strconv.Itoa(len(entries))), ReceiptHandle: aws.String(handle), VisibilityTimeout: 0,
		})
		if len(entries) == 10 {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

// Inspect lists the dead-letter queue without deleting anything (see the package
// documentation). A message whose attributes cannot all be read is yielded with an error
// matching deadletter.ErrMalformed, then the message itself; a failed receive ends the listing
// with an error; a failed release is reported last.
func (d *Queue) Inspect(ctx context.Context) iter.Seq2[deadletter.Message, error] {
	return func(yield func(deadletter.Message, error) bool) {
		stopped := false
		d.scan(ctx,
			func(m deadletter.Message) (bool, bool) {
				if stopped {
					return false, false
				}
				stopped = !yield(m, nil)
				return false, !stopped
			},
			func(err error) bool {
				if stopped {
					return false
				}
				stopped = !yield(deadletter.Message{}, err)
				return !stopped
			})
	}
}
