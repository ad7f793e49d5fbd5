package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// TestUntimelyEventsAreDeadLettered (issue 12.1): an event dated more than 5 minutes ahead of the
// function's clock, or older than the retention, is dead-lettered at once with the reason; it
// makes no write. Before, both were applied (an event from 1970 made a record DynamoDB's TTL
// deleted at once, one from 9999 froze its job).
func TestUntimelyEventsAreDeadLettered(t *testing.T) {
	cases := []struct {
		name    string
		records []events.SQSMessage
		want    map[string]Outcome // message id -> outcome
		reason  map[string]string  // message id -> words its dead-letter reason holds
	}{
		{"samples", loadEvent(t, "untimely.json").Records, map[string]Outcome{
			"f0a80002-0000-4000-8000-000000000001": Future,
			"f0a80002-0000-4000-8000-000000000002": Expired,
			"f0a80002-0000-4000-8000-000000000003": Expired,
		}, map[string]string{
			"f0a80002-0000-4000-8000-000000000001": "9999-12-31T23:59:59.000000Z is more than 5m0s ahead of the clock",
			"f0a80002-0000-4000-8000-000000000002": "1970-01-01T00:00:00.000000Z is more than 90 days before the clock",
			"f0a80002-0000-4000-8000-000000000003": "is more than 90 days before the clock",
		}},
		{"at the edges", []events.SQSMessage{
			msgOf("ahead-4m", alice, "job-edge-1", "STARTED", now.Add(4*time.Minute)),
			msgOf("ahead-6m", alice, "job-edge-2", "STARTED", now.Add(6*time.Minute)),
			msgOf("back-89d", alice, "job-edge-3", "STARTED", now.Add(-89*24*time.Hour)),
			msgOf("back-91d", alice, "job-edge-4", "STARTED", now.Add(-91*24*time.Hour)),
		}, map[string]Outcome{"ahead-4m": Applied, "ahead-6m": Future, "back-89d": Applied, "back-91d": Expired},
			map[string]string{"ahead-6m": "in the future", "back-91d": "older than the retention"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:123456789012:training-events", tc.records...))
			if len(resp.BatchItemFailures) != 0 {
				t.Fatalf("failures %v; logs:\n%s", failedIDs(resp), f.logs)
			}
			reasons := f.dlq.reasons()
			writes := 0
			for id, want := range tc.want {
				if !strings.Contains(f.logs.String(), `"outcome":"`+string(want)+`","message_id":"`+id+`"`) {
					t.Errorf("%s: no log line with outcome %s; logs:\n%s", id, want, f.logs)
				}
				reason, dead := reasons[id]
				if dead != (want != Applied) || !strings.Contains(reason, tc.reason[id]) {
					t.Errorf("%s: dead-lettered %v with reason %q; want %v with %q", id, dead, reason, want != Applied, tc.reason[id])
				}
				if want == Applied {
					writes++
				}
			}
			if n := f.ddb.Calls("UpdateItem"); n != int64(writes) {
				t.Errorf("%d writes, want %d (one per applied event, none for the others)", n, writes)
			}
		})
	}
}
