// Package producer is what training jobs import to publish training events (see
// pkg/trainevent) to the training-events queue, and what the trainstatus CLI uses to inspect and
// redrive the dead-letter queue.
//
// Sending: [Client.Send] and [Client.SendBatch] validate every event with trainevent's rules
// before any call. SendBatch sends SendMessageBatch requests of at most 10 entries and at most
// 256 KiB, retries the entries that failed for a reason a retry can fix (not SenderFault), and
// the whole request when the call failed that way (throttling, 5xx, network), with exponential
// backoff and full jitter, up to Retry.MaxAttempts calls per entry; the events that still failed
// come back in a [*BatchError]. This is on top of the SDK's own retries of a call. On a FIFO queue
// (URL ending in ".fifo") MessageGroupId is the request id and MessageDeduplicationId a hash of
// request id, order key and status, so a resent event is dropped by SQS within its 5-minute
// deduplication window; an entry retried after later entries of the same group succeeded
// arrives after them, which the status-updater's (event_time, seq) ordering makes harmless.
//
// Dead-letter queue: [DLQ.Inspect] lists the messages without deleting them. It receives them
// with a short visibility timeout (DLQ.Visibility, 30 s by default) rather than 0, because with 0
// every receive could return the same first messages again and a listing of more than one
// batch would never end; at the end of the listing it makes every listed message visible again
// at once (ChangeMessageVisibilityBatch to 0). Each listing increments the messages'
// ApproximateReceiveCount, so the dead-letter queue itself must not have a redrive policy.
// [DLQ.Redrive] sends chosen messages (or all) back to the training-events queue with their
// original body, deleting each from the dead-letter queue only after its send succeeded.
package producer
