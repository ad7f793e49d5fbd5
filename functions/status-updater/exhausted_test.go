package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
)

// TestLastReceive (issue 12.6): a message that fails on its last allowed receive
// (ApproximateReceiveCount >= maxReceiveCount) is dead-lettered by the handler with "retries
// exhausted: <the failure>" and acknowledged, instead of being left for SQS to move with no
// reason. Before its last receive it comes back as before. On a standard queue a message behind
// a failed one is tried on its last receive; on a FIFO queue it is dead-lettered untried, to keep
// the group's order.
func TestLastReceive(t *testing.T) {
	last := deploy.MaxReceiveCount
	cases := []struct {
		name     string
		arn      string
		receive  int
		failed   []string
		outcomes map[string]Outcome
		reasons  map[string]string // dead-lettered message -> start of its reason
		status   job.Status        // of job-x afterwards, "" for no record
	}{
		{"throttled before the last receive: back", "arn:aws:sqs:us-east-1:1:q", last - 1, []string{"x-a", "x-b"},
			map[string]Outcome{"x-a": Retry, "x-b": NotStarted}, nil, ""},
		{"throttled on the last receive: dead-lettered; the next one is tried and applied", "arn:aws:sqs:us-east-1:1:q", last, nil,
			map[string]Outcome{"x-a": Exhausted, "x-b": Applied},
			map[string]string{"x-a": "retries exhausted: retry: "}, job.InProgress},
		{"FIFO, on the last receive: both dead-lettered, in order", "arn:aws:sqs:us-east-1:1:q.fifo", last, nil,
			map[string]Outcome{"x-a": Exhausted, "x-b": Exhausted},
			map[string]string{"x-a": "retries exhausted: retry: ", "x-b": "retries exhausted: not_started: an earlier message of its FIFO group failed"}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.ddb.SetFault(onUpdate(throttleAt("2026-11-24T10:00:00.000000Z#")))
			var records []events.SQSMessage
			for _, m := range []events.SQSMessage{msg("x-a", "job-x", "STARTED", 0), msg("x-b", "job-x", "IN_PROGRESS", 10)} {
				m = received(m, tc.receive)
				m.Attributes["MessageGroupId"] = "job-x"
				records = append(records, m)
			}
			resp := f.handle(sqsEvent(tc.arn, records...))
			if got := failedIDs(resp); !slices.Equal(got, append([]string{}, tc.failed...)) {
				t.Errorf("failures %v, want %v", got, tc.failed)
			}
			for id, want := range tc.outcomes {
				if !strings.Contains(f.logs.String(), `"outcome":"`+string(want)+`","message_id":"`+id+`"`) {
					t.Errorf("%s: no log line with outcome %s; logs:\n%s", id, want, f.logs)
				}
			}
			reasons := f.dlq.reasons()
			if len(reasons) != len(tc.reasons) {
				t.Errorf("dead-lettered %v, want %v", reasons, tc.reasons)
			}
			for id, want := range tc.reasons {
				if !strings.HasPrefix(reasons[id], want) || !strings.Contains(reasons[id], "slow down") && id == "x-a" {
					t.Errorf("%s: reason %q, want %q... naming the throttle", id, reasons[id], want)
				}
			}
			if got := f.exists("job-x"); got != (tc.status != "") || got && f.item("job-x").Status != tc.status {
				t.Errorf("job-x exists %v, want status %q", got, tc.status)
			}
		})
	}
}

// TestMisconfigurationIsNeverDeadLettered: a missing table on the last receive fails the
// invocation as on any other; the message is not dead-lettered as if it were at fault.
func TestMisconfigurationIsNeverDeadLettered(t *testing.T) {
	f := newFixture(t)
	f.ddb.SetFault(onUpdate(func(*dynamodb.UpdateItemInput) error { return errNoTable }))
	ev := sqsEvent("arn:aws:sqs:us-east-1:1:q", received(msg("m", "job-m", "STARTED", 0), deploy.MaxReceiveCount))
	if _, err := f.h.Handle(t.Context(), ev); err == nil {
		t.Fatal("a missing table did not fail the invocation")
	}
	if dl := f.dlq.reasons(); len(dl) != 0 {
		t.Errorf("dead-lettered %v", dl)
	}
}
