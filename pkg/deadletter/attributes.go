package deadletter

import "github.com/aws/aws-sdk-go-v2/service/sqs/types"

// Message attribute names.
const (
	AttrReason            = "reason"
	AttrOriginalMessageID = "original_message_id"
	AttrReceiveCount      = "receive_count"
	AttrRequestID         = "request_id"
	AttrFailedAt          = "failed_at"
)

// Limits of the attribute values, in bytes.
const (
	MaxReasonLen    = 1024
	MaxRequestIDLen = 128
)

// MessageAttributeNames are the message attributes a ReceiveMessage call on the dead-letter
// queue must ask for.
var MessageAttributeNames = []string{AttrReason, AttrOriginalMessageID, AttrReceiveCount, AttrRequestID, AttrFailedAt}

// SystemAttributeNames are the system attributes Parse reads.
var SystemAttributeNames = []types.MessageSystemAttributeName{
	types.MessageSystemAttributeNameSentTimestamp,
	types.MessageSystemAttributeNameApproximateReceiveCount,
	types.MessageSystemAttributeNameMessageGroupId,
	types.MessageSystemAttributeNameDeadLetterQueueSourceArn,
}
