package deadletter

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/trainstatus/trainstatus/pkg/awsjson"
)

// ErrChecksum matches the error Send returns when SQS's MD5 of the body or of the attributes is
// not the one of what was sent: the message may have been altered on the way, so the send is a
// failure (the caller retries it).
var ErrChecksum = errors.New("deadletter: SQS checksum does not match the message sent")

// sendMessage is SQS's SendMessage, called through pkg/awsjson so that the status-updater links
// no generated SQS client (see pkg/awsjson's documentation).
var sendMessage = awsjson.Operation{Name: "SendMessage", Target: "AmazonSQS.SendMessage"}

// Sender puts dead letters on their queue.
type Sender struct{ client *awsjson.Client }

// NewSender returns a Sender with cfg's region, credentials, retries and SQS endpoint.
func NewSender(cfg aws.Config) (*Sender, error) {
	c, err := awsjson.New(cfg, awsjson.SQS)
	if err != nil {
		return nil, err
	}
	return &Sender{client: c}, nil
}

// sendMessageInput and sendMessageOutput are SendMessage's wire shapes (the part of them used).
type sendMessageInput struct {
	QueueURL               string                   `json:"QueueUrl"`
	MessageBody            string                   `json:"MessageBody"`
	MessageAttributes      map[string]wireAttribute `json:"MessageAttributes,omitempty"`
	MessageGroupID         string                   `json:"MessageGroupId,omitempty"`
	MessageDeduplicationID string                   `json:"MessageDeduplicationId,omitempty"`
}

type wireAttribute struct {
	DataType    string `json:"DataType"`
	StringValue string `json:"StringValue"`
}

type sendMessageOutput struct {
	MessageID              string `json:"MessageId"`
	MD5OfMessageBody       string `json:"MD5OfMessageBody"`
	MD5OfMessageAttributes string `json:"MD5OfMessageAttributes"`
}

// Send sends m and returns its message id on the dead-letter queue. Like the generated SQS
// client, it checks the MD5 digests SQS returns against the body and attributes sent.
func (s *Sender) Send(ctx context.Context, m Outgoing) (string, error) {
	in := sendMessageInput{QueueURL: m.QueueURL, MessageBody: m.Body,
		MessageGroupID: m.GroupID, MessageDeduplicationID: m.DeduplicationID}
	if len(m.Attributes) > 0 {
		in.MessageAttributes = make(map[string]wireAttribute, len(m.Attributes))
		for name, a := range m.Attributes {
			in.MessageAttributes[name] = wireAttribute(a)
		}
	}
	var out sendMessageOutput
	if err := s.client.Call(ctx, sendMessage, in, &out); err != nil {
		return "", err
	}
	if want := bodyMD5(m.Body); out.MD5OfMessageBody != want {
		return "", fmt.Errorf("%w: MD5 of the body %q, sent %q (message %s)", ErrChecksum, out.MD5OfMessageBody, want, out.MessageID)
	}
	if want := attributesMD5(m.Attributes); len(m.Attributes) > 0 && out.MD5OfMessageAttributes != want {
		return "", fmt.Errorf("%w: MD5 of the attributes %q, sent %q (message %s)", ErrChecksum, out.MD5OfMessageAttributes, want, out.MessageID)
	}
	return out.MessageID, nil
}
