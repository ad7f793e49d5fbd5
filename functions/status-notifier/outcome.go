package main

// Outcome is what became of one stream record.
type Outcome string

// The outcomes, one JSON log line and one EMF count each.
const (
	// Sent: the owner was e-mailed and the job marked notified.
	Sent Outcome = "sent"
	// Skipped: nothing to send: not a transition into a final state, already notified, or an
	// owner with no user record or no email (the log line says which).
	Skipped Outcome = "skipped"
	// OptedOut: the owner turned these emails off.
	OptedOut Outcome = "opted_out"
	// Refused: SES refused the message for good (a rejected or invalid address); logged and
	// counted, never retried.
	Refused Outcome = "refused"
	// Failed: a transient failure (throttling, 5xx, a timeout) or a misconfiguration; the record
	// is reported in batchItemFailures and the event source retries it, then sends it to the
	// failure queue.
	Failed Outcome = "failed"
)

// Outcomes lists every outcome: the metric names, reported zeros included.
var Outcomes = []Outcome{Sent, Skipped, OptedOut, Refused, Failed}
