// Package tracker applies training events to the status table: the "pizza tracker" state
// machine, written so that retries, duplicates and reordering never move a job backwards.
//
// The rules it implements are written once, in the README's "How a status stays right" (the
// transitions themselves are pkg/job's). What is specific to this package:
//
//   - Events are ordered by their order key (trainevent.Event.OrderKey), stored as last_event; a
//     condition on it and on the status makes every write safe under concurrent delivery.
//
//   - A final event that arrives after newer progress events finishes the job as in-order
//     delivery would have: stage times and the first progress report later than it are removed.
//
//   - The tracker has a clock (WithClock): an event dated more than MaxClockSkew ahead of it, or
//     older than the retention, is refused with ErrFutureEvent or ErrExpiredEvent before any
//     write. expires_at (the TTL) is the retention after the later of the event's time and now.
//
//   - The same write keeps the stall bookkeeping: open_shard (tables.IndexOpen) while the job is
//     not final, and the removal of stall_alerted_for, which ends a stall episode.
//
// Cost: an event in order, or a duplicate, is exactly one conditional UpdateItem with no read
// before it. When the condition fails, DynamoDB returns the current item
// (ReturnValuesOnConditionCheckFailure), from which Apply decides at once whether the event was
// stale, a duplicate or refused. Only a late event that still has a stage time, the start or the
// first progress report to fill takes a second conditional write.
package tracker
