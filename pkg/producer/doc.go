// Package producer is what training jobs import to publish training events (see
// pkg/trainevent; the format is documented in events/README.md) to the training-events queue.
// It links the SQS client and no DynamoDB package (cmd/trainstatus's tests check it).
//
// [Client.Send] and [Client.SendBatch] validate every event with trainevent's rules before any
// call. SendBatch sends SendMessageBatch requests of at most 10 entries and at most 256 KiB,
// retries the entries that failed for a reason a retry can fix (not SenderFault), and the whole
// request when the call failed that way (throttling, 5xx, network), with the backoff of pkg/retry
// (exponential, full jitter), up to Retry.Attempts calls per entry; the events that still failed
// come back in a [*BatchError]. This is on top of the SDK's own retries of a call. On a FIFO queue
// (URL ending in ".fifo") MessageGroupId is the request id and MessageDeduplicationId a hash of
// request id, order key and status, so a resent event is dropped by SQS within its 5-minute
// deduplication window; an entry retried after later entries of the same group succeeded
// arrives after them, which the status-updater's (event_time, seq) ordering makes harmless.
//
// Inspecting and redriving the dead-letter queue is pkg/dlqtool's.
package producer
