package deploy

import "time"

// StallSweep is the function that finds jobs silent past their stall window (issue 22).
const StallSweep = "stall-sweep"

// StallSweepFunction reads the open-jobs index (tables.IndexOpen: tables.OpenShards Queries,
// never a Scan), the jobs it lists (BatchGetItem), and records one stall alert per silence with a conditional UpdateItem; the
// status-notifier delivers the alert from the change feed (see NotifierSource). 128 MB suffices
// for a few pages of keys and items; the timeout stays under the schedule's period so that
// sweeps rarely overlap (they may: the conditional write makes an overlap harmless).
var StallSweepFunction = Function{
	Name: StallSweep, MemoryMB: 128, Timeout: 50 * time.Second,
	Description: "records one stall alert per silence of a job past its stall window",
	Env:         []Var{StatusTableVar, StallWindowVar, LogLevelVar},
}

// Schedule runs a function periodically (deployed: an EventBridge rule; locally: a ticker).
type Schedule struct {
	Function string
	// Every is the period. A job is alerted at most window + Every (+ the sweep's own run time
	// and the notifier's delivery) after its last event: with one minute, within window + 2 min.
	Every time.Duration
}

// StallSweepSchedule runs the sweep every minute.
var StallSweepSchedule = Schedule{Function: StallSweep, Every: time.Minute}

// Schedules lists every scheduled function.
var Schedules = []Schedule{StallSweepSchedule}

// stallAlertedAttribute is the status table's stall_alerted_for (tables.AttrStallAlertedFor,
// checked by a test; see statusAttribute for why it is not imported).
const stallAlertedAttribute = "stall_alerted_for"

// stallAlertFilter lets through the sweep's write that records a stall episode, and nothing
// else: the new image has stall_alerted_for and the old one has not. The tracker removes the
// attribute with every event it applies (a progress event's old image has it, its new image not)
// and the notifier's own mark leaves it in both images, so neither invokes the function.
//
//	{"dynamodb":{"NewImage":{"stall_alerted_for":{"S":[{"exists":true}]}},
//	  "OldImage":{"stall_alerted_for":{"S":[{"exists":false}]}}},"eventName":["MODIFY"]}
func stallAlertFilter() string {
	return `{"dynamodb":{"NewImage":{"` + stallAlertedAttribute + `":{"S":[{"exists":true}]}},` +
		`"OldImage":{"` + stallAlertedAttribute + `":{"S":[{"exists":false}]}}},"eventName":["MODIFY"]}`
}
