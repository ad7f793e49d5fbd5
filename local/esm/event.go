package esm

import (
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// batchEvent builds the events.SQSEvent Lambda delivers for msgs.
func batchEvent(msgs []types.Message, queueARN, region string) ([]byte, error) {
	ev := events.SQSEvent{Records: make([]events.SQSMessage, 0, len(msgs))}
	for _, msg := range msgs {
		rec := events.SQSMessage{
			MessageId:              deref(msg.MessageId),
			ReceiptHandle:          deref(msg.ReceiptHandle),
			Body:                   deref(msg.Body),
			Md5OfBody:              deref(msg.MD5OfBody),
			Md5OfMessageAttributes: deref(msg.MD5OfMessageAttributes),
			Attributes:             msg.Attributes,
			MessageAttributes:      map[string]events.SQSMessageAttribute{},
			EventSourceARN:         queueARN,
			EventSource:            "aws:sqs",
			AWSRegion:              region,
		}
		if rec.Attributes == nil {
			rec.Attributes = map[string]string{}
		}
		for k, v := range msg.MessageAttributes {
			rec.MessageAttributes[k] = events.SQSMessageAttribute{
				StringValue: v.StringValue, BinaryValue: v.BinaryValue,
				StringListValues: v.StringListValues, BinaryListValues: v.BinaryListValues,
				DataType: deref(v.DataType),
			}
		}
		ev.Records = append(ev.Records, rec)
	}
	return json.Marshal(ev)
}

// failedIDs reads the function's events.SQSEventResponse. An empty or null answer means every
// message succeeded; an identifier that is not in the batch fails the whole batch, as in AWS.
func failedIDs(payload []byte, msgs []types.Message) (map[string]bool, error) {
	var resp events.SQSEventResponse
	if len(payload) > 0 && string(payload) != "null" {
		if err := json.Unmarshal(payload, &resp); err != nil {
			return nil, fmt.Errorf("batch response: %w", err)
		}
	}
	inBatch := map[string]bool{}
	for _, m := range msgs {
		inBatch[deref(m.MessageId)] = true
	}
	failed := map[string]bool{}
	for _, f := range resp.BatchItemFailures {
		if !inBatch[f.ItemIdentifier] {
			return nil, fmt.Errorf("%w: %q", errInvalidResponse, f.ItemIdentifier)
		}
		failed[f.ItemIdentifier] = true
	}
	return failed, nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}
