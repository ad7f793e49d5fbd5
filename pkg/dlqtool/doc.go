// Package dlqtool is what a person uses to look after the training-events dead-letter queue:
// list the refused messages with their reasons ([Queue.Inspect]) and send chosen ones back once
// the cause is fixed ([Queue.Redrive]). The trainstatus CLI's `dlq list` and `dlq redrive` are
// built on it. The messages' contract (reason, ids, receive count) is pkg/deadletter's.
//
// [Queue.Inspect] lists the messages without deleting them. It receives them with a short
// visibility timeout (Queue.Visibility, 30 s by default) rather than 0, because with 0 every
// receive could return the same first messages again and a listing of more than one batch would
// never end; at the end of the listing it makes every listed message visible again at once
// (ChangeMessageVisibilityBatch to 0). Each listing increments the messages'
// ApproximateReceiveCount, so the dead-letter queue itself must not have a redrive policy.
//
// [Queue.Redrive] sends chosen messages (or all) back to the training-events queue with their
// original body, deleting each from the dead-letter queue only after its send succeeded; sends
// and deletes are retried with the producer's policy (producer.DefaultRetry, producer.Retryable).
package dlqtool
