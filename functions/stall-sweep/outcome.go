package main

// Outcome is what the sweep did with one job of the open-jobs index.
type Outcome string

// The outcomes, one EMF count each (zeros included). Every alert and every failure is also one
// JSON log line; a job that is simply running is only counted.
const (
	// Running: heard from within its window (or ended since the index listed it).
	Running Outcome = "running"
	// Alerted: silent past its window; this sweep recorded the episode (stall_alerted_for), which
	// the status-notifier delivers.
	Alerted Outcome = "alerted"
	// AlreadyAlerted: the silence was alerted before (by an earlier or overlapping sweep).
	AlreadyAlerted Outcome = "already_alerted"
	// Raced: the conditional write found the job changed since the index showed it: it reported
	// again, ended, or another sweep recorded the episode first. Nothing to do.
	Raced Outcome = "raced"
	// Failed: the job could not be judged or recorded (an unreadable updated_at, a DynamoDB error);
	// the next sweep tries again, and the invocation reports an error (alarmed).
	Failed Outcome = "failed"
)

// Outcomes lists every outcome: the metric names.
var Outcomes = []Outcome{Running, Alerted, AlreadyAlerted, Raced, Failed}
