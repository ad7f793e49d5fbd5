package producer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// Send validates e and sends it, retrying a call that failed for a retryable reason (see
// Retryable) up to Retry.Attempts calls. It returns the SQS message id. Errors match
// ErrNotSent, and trainevent.ErrInvalid for an invalid event (no call is made then).
func (c *Client) Send(ctx context.Context, e trainevent.Event) (string, error) {
	body, err := e.Marshal()
	if err != nil {
		return "", &sendError{event: e, err: err}
	}
	group, dedup := fifoIDs(c.queueURL, e)
	in := &sqs.SendMessageInput{
		QueueUrl:               aws.String(c.queueURL),
		MessageBody:            aws.String(string(body)),
		MessageGroupId:         group,
		MessageDeduplicationId: dedup,
	}
	var out *sqs.SendMessageOutput
	attempts, err := c.Retry.Do(ctx, Retryable, func() (err error) {
		out, err = c.api.SendMessage(ctx, in)
		return err
	})
	if err != nil {
		return "", &sendError{event: e, attempts: attempts, err: err}
	}
	return aws.ToString(out.MessageId), nil
}
