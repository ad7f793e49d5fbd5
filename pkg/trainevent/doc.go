// Package trainevent defines the training event: the JSON body of one message on the
// training-events SQS queue, sent by training jobs (through pkg/producer or the trainstatus CLI)
// and consumed by the status-updater function. It is defined once, here, with its validation, so
// that producers and the consumer agree on every rule.
//
// The format's one document is events/README.md ("The training event"): every field, its rule,
// and why. In short:
//
//	{"request_id": "job-123", "user_id": "0f6c1d2e-1111-4a2b-9c3d-123456789abc",
//	 "status": "IN_PROGRESS", "event_time": "2026-11-24T10:00:05.123456Z", "seq": 7,
//	 "progress": 42.5, "message": "epoch 3/10", "error": ""}
//
// request_id ([ValidRequestID]), user_id (a Cognito sub, [ValidUserID]), status ([job.ParseStatus]'s
// spellings; Parse returns the canonical [job.Status]) and event_time (strict RFC 3339, 1970 to
// 9999) are required; seq, progress (0 to 100, rounded to [ProgressDecimals] places by
// [RoundProgress]), message and error (no control characters but tab and newline) are optional.
// Parse returns events normalized as [Event.Normalize] describes; every event it accepts can be
// stored in the status table (a test writes them to DynamoDB Local).
//
// Whether an event's time is acceptable *now* (at most 5 minutes ahead of the clock, not older
// than the retention) is the tracker's rule, not the format's: the format has no clock.
//
// # Errors
//
// Every refusal is a [*FieldError] naming the field (or [FieldBody] for the body as a whole);
// it matches [ErrInvalid] with errors.Is. Parse reports the first problem found, checking the
// fields in the order above, so the reason given for a message is deterministic.
//
// # Ordering
//
// [Event.OrderKey] is the text key by which the status table orders events: the event time in
// job.TimeLayout, "#", and seq zero-padded to 20 digits. Comparing two keys as strings
// compares (event_time, seq).
package trainevent
