// Package trainevent defines the training event: the JSON body of one message on the
// training-events SQS queue, sent by training jobs (through pkg/producer or the trainstatus CLI)
// and consumed by the status-updater function. It is defined once, here, with its validation, so
// that producers and the consumer agree on every rule.
//
// # Format
//
//	{"request_id": "job-123", "user_id": "<cognito sub>", "status": "IN_PROGRESS",
//	 "event_time": "2026-11-24T10:00:05.123456Z", "seq": 7, "progress": 42.5,
//	 "message": "epoch 3/10", "error": ""}
//
// Required:
//   - request_id: 1-128 characters of A-Za-z0-9 . _ : -
//   - user_id: 1-128 bytes of valid UTF-8 without control characters (a Cognito sub).
//   - status: STARTED, IN_PROGRESS, SUCCESS or FAILED, matched without regard to (ASCII) case;
//     the legacy spellings "started", "in progress", "success" and "fail" are accepted too.
//     Parse returns the canonical [tables.Status].
//   - event_time: an RFC 3339 time with any offset, between 1970-01-01 and 9999-12-31 (UTC).
//     It is converted to UTC and truncated to the microsecond, the precision of the status table
//     ([ddb.TimeLayout]); digits beyond the microsecond are accepted and dropped, so a Go
//     producer may send time.Now() as is. The form is strict RFC 3339: upper-case T and Z, a
//     fraction of 1-9 digits after a dot, an offset of Z or ±hh:mm (hh <= 23).
//
// Optional (absent and null mean the zero value):
//   - seq: a JSON integer literal, 0 to 2^53-1 (the largest integer every JSON implementation
//     keeps exactly). No sign, fraction or exponent: 7.0, 7e0 and "7" are refused. It orders
//     events that share an event_time.
//   - progress: a number, 0 to 100.
//   - message: at most 1 KiB, error: at most 4 KiB, both counted in UTF-8 bytes after JSON
//     decoding.
//
// Keys are matched exactly (encoding/json would also take "Request_ID"); unknown keys are
// ignored; when a key is repeated the last value wins. The body must be valid UTF-8, a JSON
// object, and at most [MaxBodySize] bytes.
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
// ddb.TimeLayout, "#", and seq zero-padded to 20 digits. Comparing two keys as strings
// compares (event_time, seq).
package trainevent
