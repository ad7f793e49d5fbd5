package dlqtool

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
)

// SystemAttributeNames are deadletter.SystemAttributeNames as the SQS client takes them: what a
// ReceiveMessage on the dead-letter queue must ask for.
var SystemAttributeNames = func() []types.MessageSystemAttributeName {
	names := make([]types.MessageSystemAttributeName, len(deadletter.SystemAttributeNames))
	for i, n := range deadletter.SystemAttributeNames {
		names[i] = types.MessageSystemAttributeName(n)
	}
	return names
}()

// Parse reads a dead-letter message the SQS client received (deadletter.Parse).
func Parse(m types.Message) (deadletter.Message, error) { return deadletter.Parse(received(m)) }

// received is what deadletter.Parse reads of a message the SQS client received: its ids, body,
// system attributes and the string values of its message attributes (the dead-letter contract
// has no binary ones).
func received(m types.Message) deadletter.Received {
	r := deadletter.Received{
		MessageID:         aws.ToString(m.MessageId),
		ReceiptHandle:     aws.ToString(m.ReceiptHandle),
		Body:              aws.ToString(m.Body),
		Attributes:        m.Attributes,
		MessageAttributes: make(map[string]string, len(m.MessageAttributes)),
	}
	for name, v := range m.MessageAttributes {
		if v.StringValue != nil {
			r.MessageAttributes[name] = *v.StringValue
		}
	}
	return r
}
