package main

import "github.com/trainstatus/trainstatus/pkg/tracker"

// Outcome is what became of one message: the "outcome" of its log line and the name of its
// count in the metrics line. Each outcome either acknowledges its message (it is done with:
// applied, judged, or in the dead-letter queue with its reason) or sends it back to the queue.
type Outcome string

// The outcomes. The tracker's are the tracker's own constants, so that they are spelled once.
const (
	// Applied, Filled, Stale, Duplicate, Refused: the tracker took the event (tracker.Outcome).
	Applied   = Outcome(tracker.Applied)
	Filled    = Outcome(tracker.Filled)
	Stale     = Outcome(tracker.Stale)
	Duplicate = Outcome(tracker.Duplicate)
	Refused   = Outcome(tracker.Refused)

	// Invalid: the body is not a valid event, or DynamoDB refused the event itself; dead-lettered.
	Invalid Outcome = "invalid"
	// Future: the event time is more than tracker.MaxClockSkew ahead; dead-lettered.
	Future Outcome = "future"
	// Expired: the event time is older than the retention; dead-lettered.
	Expired Outcome = "expired"
	// Exhausted: a retryable failure on the message's last allowed receive; dead-lettered with
	// "retries exhausted: <the failure>", so that SQS never moves it without a reason.
	Exhausted Outcome = "exhausted"

	// Retry: a failure that may pass (throttling, 5xx, timeout, a lost race, a failed
	// dead-letter send); the message comes back.
	Retry Outcome = "retry"
	// NotStarted: not tried, because an earlier message of its job (or FIFO group) failed or the
	// invocation is out of time; it comes back.
	NotStarted Outcome = "not_started"
	// Panicked: processing it panicked; it comes back (and is dead-lettered on its last receive).
	Panicked Outcome = "panicked"
)

// fate is where an outcome leaves its message. Its zero value sends the message back, so that
// nothing unset or unknown can acknowledge a message.
type fate int

const (
	retried      fate = iota // reported in batchItemFailures: SQS delivers it again
	done                     // acknowledged: the tracker took it
	deadLettered             // acknowledged: it is in the dead-letter queue with its reason
)

// outcomes is the one list of the outcomes and their fates; the metrics line reports each of
// them, in this order.
var outcomes = []struct {
	Outcome
	fate fate
}{
	{Applied, done}, {Filled, done}, {Stale, done}, {Duplicate, done}, {Refused, done},
	{Invalid, deadLettered}, {Future, deadLettered}, {Expired, deadLettered}, {Exhausted, deadLettered},
	{Retry, retried}, {NotStarted, retried}, {Panicked, retried},
}

// fate returns where o leaves its message: retried for the zero value and anything not listed.
func (o Outcome) fate() fate {
	for _, x := range outcomes {
		if x.Outcome == o {
			return x.fate
		}
	}
	return retried
}

// Acknowledges reports whether the message is done with (applied, judged or dead-lettered).
func (o Outcome) Acknowledges() bool { return o.fate() != retried }
