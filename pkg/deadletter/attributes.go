package deadletter

// Message attribute names.
const (
	AttrReason            = "reason"
	AttrOriginalMessageID = "original_message_id"
	AttrReceiveCount      = "receive_count"
	AttrRequestID         = "request_id"
	AttrFailedAt          = "failed_at"
	// AttrOriginalBodySize and AttrOriginalBodySHA256 are set only when the body sent is not the
	// original one (see the package documentation): its size in bytes and its SHA-256 (hex).
	AttrOriginalBodySize   = "original_body_size"
	AttrOriginalBodySHA256 = "original_body_sha256"
)

// Limits of the attribute values, in bytes.
const (
	MaxReasonLen    = 1024
	MaxRequestIDLen = 128
)

// MessageAttributeNames are the message attributes a ReceiveMessage call on the dead-letter
// queue must ask for.
var MessageAttributeNames = []string{AttrReason, AttrOriginalMessageID, AttrReceiveCount, AttrRequestID, AttrFailedAt,
	AttrOriginalBodySize, AttrOriginalBodySHA256}

// The system attributes Parse reads.
const (
	SysSentTimestamp            = "SentTimestamp"
	SysApproximateReceiveCount  = "ApproximateReceiveCount"
	SysMessageGroupID           = "MessageGroupId"
	SysDeadLetterQueueSourceARN = "DeadLetterQueueSourceArn"
)

// SystemAttributeNames are the system attributes a ReceiveMessage call on the dead-letter queue
// must ask for.
var SystemAttributeNames = []string{SysSentTimestamp, SysApproximateReceiveCount, SysMessageGroupID, SysDeadLetterQueueSourceARN}
