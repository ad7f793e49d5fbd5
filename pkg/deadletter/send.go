package deadletter

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SendMessageAPI is the part of the SQS client a Sender uses (*sqs.Client; tests wrap it).
type SendMessageAPI interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Sender puts dead letters on their queue through the SQS client it is given, whose own request
// building, retries, MD5 check of the body and errors apply (pkg/awserr classifies them).
type Sender struct{ client SendMessageAPI }

// NewSender returns a Sender over client; main wires the one client of the function.
func NewSender(client SendMessageAPI) *Sender { return &Sender{client: client} }

// Send sends m and returns its message id on the dead-letter queue.
func (s *Sender) Send(ctx context.Context, m Outgoing) (string, error) {
	out, err := s.client.SendMessage(ctx, m.Input())
	if err != nil {
		return "", err
	}
	return aws.ToString(out.MessageId), nil
}

// Input is the SDK's SendMessage request of m.
func (m Outgoing) Input() *sqs.SendMessageInput {
	in := &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL), MessageBody: aws.String(m.Body)}
	if len(m.Attributes) > 0 {
		in.MessageAttributes = make(map[string]types.MessageAttributeValue, len(m.Attributes))
		for name, a := range m.Attributes {
			in.MessageAttributes[name] = types.MessageAttributeValue{DataType: aws.String(a.DataType), StringValue: aws.String(a.StringValue)}
		}
	}
	if m.GroupID != "" {
		in.MessageGroupId = aws.String(m.GroupID)
	}
	if m.DeduplicationID != "" {
		in.MessageDeduplicationId = aws.String(m.DeduplicationID)
	}
	return in
}
