package esm

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// delete removes from the queue every message of msgs not in keep and returns how many went.
func (m *Mapping) delete(ctx context.Context, msgs []types.Message, keep map[string]bool) (int, error) {
	var entries []types.DeleteMessageBatchRequestEntry
	for i, msg := range msgs {
		if !keep[deref(msg.MessageId)] {
			entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: ptr(strconv.Itoa(i)), ReceiptHandle: msg.ReceiptHandle})
		}
	}
	if len(entries) == 0 {
		return 0, nil
	}
	out, err := m.sqs.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &m.cfg.QueueURL, Entries: entries})
	if err != nil {
		return 0, fmt.Errorf("deleting %d messages: %w", len(entries), err)
	}
	if len(out.Failed) > 0 {
		return len(out.Successful), errors.New("deleting messages: " + deref(out.Failed[0].Message))
	}
	return len(out.Successful), nil
}

func ptr[T any](v T) *T { return &v }
