package esm

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// receive long-polls for a first message, then gathers up to BatchSize for BatchingWindow.
func (m *Mapping) receive(ctx context.Context) ([]types.Message, error) {
	msgs, err := m.receiveUpTo(ctx, m.cfg.BatchSize, m.cfg.WaitTime)
	if err != nil || len(msgs) == 0 || m.cfg.BatchingWindow <= 0 {
		return msgs, err
	}
	deadline := time.Now().Add(m.cfg.BatchingWindow)
	for len(msgs) < m.cfg.BatchSize {
		left := time.Until(deadline)
		if left <= 0 || ctx.Err() != nil {
			break
		}
		more, err := m.receiveUpTo(ctx, m.cfg.BatchSize-len(msgs), left)
		if err != nil {
			return msgs, nil // keep what we hold; they are processed now
		}
		msgs = append(msgs, more...)
		if len(more) == 0 && left < time.Second {
			sleep(ctx, min(left, 50*time.Millisecond))
		}
	}
	return msgs, nil
}

func (m *Mapping) receiveUpTo(ctx context.Context, n int, wait time.Duration) ([]types.Message, error) {
	out, err := m.sqs.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl:                    &m.cfg.QueueURL,
		MaxNumberOfMessages:         int32(n),
		WaitTimeSeconds:             int32(min(wait, 20*time.Second) / time.Second),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		return nil, err
	}
	return out.Messages, nil
}
