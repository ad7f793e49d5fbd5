// Package tracker applies training events to the status table: the "pizza tracker" state
// machine, written so that retries, duplicates and reordering never move a job backwards.
//
// Rules (the README has the same text for users):
//
//   - STARTED -> IN_PROGRESS -> SUCCESS or FAILED; IN_PROGRESS -> IN_PROGRESS for newer progress.
//     STARTED may be skipped: the first event seen creates the record in whatever state it says.
//     SUCCESS and FAILED are final.
//   - Events are ordered by (event_time, seq), stored as last_event (trainevent.Event.OrderKey).
//     An event that is not newer than the last applied one never overwrites it, with one
//     exception that ordered delivery itself implies: a SUCCESS or FAILED event that arrives after
//     newer progress events of a job that is not final yet still ends the job, as it would have
//     in order (the progress events after it would have been refused; stage times they set that
//     are later than the final event are removed). Of two different final events, the first to
//     arrive wins. An event with the same (event_time, seq) as the last applied one is a
//     duplicate if it says the same (status, progress, message, error), and is refused otherwise
//     (unless it is a final event ending a job that is not final).
//   - progress, message and error always describe the last applied event; a SUCCESS without a
//     progress value means 100.
//   - Stage times (started_at, in_progress_at, finished_at) are the first time the job was seen in
//     that stage. A late event may fill a missing stage time or move it earlier, never later.
//     timestamp is the STARTED time, or, until a STARTED event is applied, the earliest event
//     time seen. (The issue said a late event should "never change" a stage time; the earliest
//     time is the only rule under which shuffled delivery ends where ordered delivery does, which
//     is the guarantee we test, so a late, earlier event may move it.)
//   - A job is (user_id, request_id), the status table's key: an event for (bob, job-123) is bob's
//     job, whoever else has a job-123.
//   - updated_at is the time of the last applied event. expires_at (the TTL) is the retention
//     after the later of that event's time and the moment it was applied (see expiresAt).
//   - The tracker has a clock (WithClock): an event dated more than MaxClockSkew ahead of it, or
//     older than the retention, is refused with ErrFutureEvent or ErrExpiredEvent before any
//     write. Such an event is poison: no retry changes it.
//
// Cost: an event in order, or a duplicate, is exactly one conditional UpdateItem with no read
// before it. When the condition fails, DynamoDB returns the current item
// (ReturnValuesOnConditionCheckFailure), from which Apply decides at once whether the event was
// stale, a duplicate or refused. Only a late event that still has a stage
// time or an earlier start to fill takes a second conditional write.
package tracker
