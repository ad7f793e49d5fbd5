package deploy

import (
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// statusAttribute is the status table's status attribute (tables.AttrStatus, checked by a test:
// importing pkg/tables here would link the DynamoDB SDK into every tool that reads this
// description, the CLI among them).
const statusAttribute = "status"

// The SQS event source of status-updater: defaults, overridable per deployment.
const (
	// BatchSize is the most messages given to one invocation.
	BatchSize = 10
	// MaxBatchingWindow is how long the poller may wait to fill a batch: a status is at most
	// this much later than its event, in exchange for fewer invocations under load.
	MaxBatchingWindow = 1 * time.Second
	// EventSourceMaxConcurrency caps the concurrent invocations the SQS event source starts (2 to
	// 1000), which caps the write rate on the status table. (Not status-updater's
	// REQUEST_CONCURRENCY, which is the jobs one invocation works on at once.)
	EventSourceMaxConcurrency = 10
)

// VisibilityTimeout is the events queue's visibility timeout for a given batching window: AWS
// asks for at least six times the function's timeout, plus the batching window, so that a
// message is not redelivered while a retried invocation may still be working on it.
func VisibilityTimeout(batchingWindow time.Duration) time.Duration {
	return 6*StatusUpdaterFunction.Timeout + batchingWindow
}

// StreamSource is the event source of status-notifier: the status table's change feed.
type StreamSource struct {
	Function string
	// BatchSize is the most records given to one invocation; BatchingWindow how long to wait
	// to fill one.
	BatchSize      int
	BatchingWindow time.Duration
	// StartingPosition is where a new mapping starts reading: LATEST (only what changes after
	// it exists) or TRIM_HORIZON.
	StartingPosition string
	// Filters are Lambda event filter patterns (JSON, OR'd): only records that can be a job's
	// transition into SUCCESS or FAILED invoke the function.
	Filters []string
	// BisectOnError splits a failing batch in two to isolate a bad record.
	BisectOnError bool
	// MaxRetryAttempts bounds the retries of a failing batch; then its description goes to
	// FailureQueue and the shard moves on.
	MaxRetryAttempts int
	// MaxRecordAge drops records older than this (they go to FailureQueue too).
	MaxRecordAge time.Duration
	FailureQueue string
}

// NotifierSource is status-notifier's event source. Its filters let through a record whose new
// image is final and whose old image is missing (a job created final) or not final, and the stall
// sweep's record of a stall episode (stallAlertFilter), and no other: progress events, late fills
// on a finished job and the notifier's own marks never invoke the function (the handler checks
// the same rules again, for records that do reach it).
var NotifierSource = StreamSource{
	Function:         StatusNotifier,
	BatchSize:        10,
	BatchingWindow:   0,
	StartingPosition: "LATEST",
	Filters:          append(finalTransitionFilters(), stallAlertFilter()),
	BisectOnError:    true,
	MaxRetryAttempts: 5,
	MaxRecordAge:     24 * time.Hour,
	FailureQueue:     NotifierFailureQueue,
}

// finalTransitionFilters writes NotifierSource's patterns from job's final states:
//
//	{"dynamodb":{"NewImage":{"status":{"S":["SUCCESS","FAILED"]}}},"eventName":["INSERT"]}
//	{"dynamodb":{"NewImage":{"status":{"S":["SUCCESS","FAILED"]}},
//	  "OldImage":{"status":{"S":[{"anything-but":["SUCCESS","FAILED"]}]}}},"eventName":["MODIFY"]}
//
// It writes the JSON itself (the words are upper-case letters and underscores) rather than with
// encoding/json: this runs at every function's start, and reflection there cost 0.2 ms.
func finalTransitionFilters() []string {
	var final []string
	for _, s := range job.Statuses {
		if s.Final() {
			final = append(final, `"`+string(s)+`"`)
		}
	}
	words := "[" + strings.Join(final, ",") + "]"
	isFinal := `{"` + statusAttribute + `":{"S":` + words + `}}`
	wasNotFinal := `{"` + statusAttribute + `":{"S":[{"anything-but":` + words + `}]}}`
	return []string{
		`{"dynamodb":{"NewImage":` + isFinal + `},"eventName":["INSERT"]}`,
		`{"dynamodb":{"NewImage":` + isFinal + `,"OldImage":` + wasNotFinal + `},"eventName":["MODIFY"]}`,
	}
}
