// Package deadletter is the contract between the status-updater, which sends messages that no
// retry can fix to the dead-letter queue, and the tools that read that queue (pkg/producer's
// DLQ functions and `trainstatus dlq`).
//
// A dead-lettered message keeps the original body unchanged and carries these message
// attributes:
//
//	reason                String  why it was refused, at most MaxReasonLen bytes
//	original_message_id   String  the message id on the training-events queue
//	receive_count         Number  its ApproximateReceiveCount when it was refused
//	request_id            String  the request id, when the body named one (at most 128 bytes)
//	failed_at             String  when it was refused, job.TimeLayout (UTC, microseconds)
//	original_body_size    Number  only when the body is not the original: its size in bytes
//	original_body_sha256  String  only when the body is not the original: its SHA-256, hex
//
// Two bodies cannot be sent as they are, and every poison message must still reach the queue at
// once with its reason (otherwise it is retried until the queue's redrive policy moves it with
// none): an empty body, which SQS refuses, is sent as [EmptyBodyPlaceholder]; a body too large to
// fit in [MaxMessageBytes] (SQS's limit on the body plus the attributes) beside the attributes is
// cut to what fits. Both carry original_body_size and original_body_sha256, and [Message.Verbatim]
// is false for them: such a message cannot be redriven as it is.
//
// [Build] builds the message (FIFO-aware) and [Sender] sends it; [Parse] reads one back from
// ReceiveMessage, which must ask for [MessageAttributeNames] and [SystemAttributeNames]
// (pkg/dlqtool turns the SQS client's messages into [Received]). Messages moved by the queue's
// own redrive policy (maxReceiveCount) have none of these attributes: Parse returns them with an
// empty Reason and the source queue in SourceARN.
//
// [Sender] sends through the generated SQS client main wires once (service/sqs: its request
// building, retries, MD5 check of the body and errors); the status-updater's tests run it against
// fauxqs, with throttling, 5xx answers, a hung attempt and permanent refusals injected in front.
package deadletter
