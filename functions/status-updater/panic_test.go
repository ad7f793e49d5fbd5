package main

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// TestPanicInOneMessage (issue 12.2): the table client panics on the writes of one job. Only that
// job's messages come back (the one that panicked, and the later ones of its job, untried), with
// an ERROR log line; the other jobs of the batch are applied. On the message's last allowed
// receive it goes to the dead-letter queue with the panic as its reason. Before, the panic
// crashed the whole invocation (and here the test binary).
func TestPanicInOneMessage(t *testing.T) {
	cases := []struct {
		name      string
		receive   int
		failed    []string           // message ids reported for retry
		outcomes  map[string]Outcome // message id -> outcome
		deadLater string             // a dead-letter reason expected, "" for none
	}{
		{"first receive: the job comes back", 1, []string{"p-a", "p-b"},
			map[string]Outcome{"p-a": Panicked, "p-b": NotStarted, "ok-a": Applied, "ok-b": Applied}, ""},
		{"last receive: dead-lettered with the panic", 5, nil,
			map[string]Outcome{"p-a": Exhausted, "p-b": Exhausted, "ok-a": Applied, "ok-b": Applied},
			"retries exhausted: panicked: panic: injected: the table client panicked"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.ddb.SetFault(onUpdate(func(in *dynamodb.UpdateItemInput) error {
				if in.Key[tables.AttrRequestID].(*types.AttributeValueMemberS).Value == "job-panic" {
					panic("injected: the table client panicked")
				}
				return nil
			}))
			var records []events.SQSMessage
			for _, m := range []events.SQSMessage{
				msg("p-a", "job-panic", "STARTED", 0), msg("ok-a", "job-ok", "STARTED", 0),
				msg("p-b", "job-panic", "SUCCESS", 10), msg("ok-b", "job-ok", "SUCCESS", 10),
			} {
				records = append(records, received(m, tc.receive))
			}
			resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q", records...))
			if got := failedIDs(resp); !slices.Equal(got, append([]string{}, tc.failed...)) {
				t.Errorf("failures %v, want %v", got, tc.failed)
			}
			logs := f.logs.String()
			for id, want := range tc.outcomes {
				if !strings.Contains(logs, `"outcome":"`+string(want)+`","message_id":"`+id+`"`) {
					t.Errorf("%s: no log line with outcome %s", id, want)
				}
			}
			if !strings.Contains(logs, `"level":"ERROR","msg":"panic while processing a message; it will be retried"`) ||
				!strings.Contains(logs, `"panic":"panic: injected: the table client panicked"`) {
				t.Errorf("no ERROR line for the panic; logs:\n%s", logs)
			}
			if item := f.item("job-ok"); item.Status != job.Success {
				t.Errorf("the other job of the batch was held back: %+v", item)
			}
			if f.exists("job-panic") {
				t.Error("the panicking job has a record")
			}
			dead := f.dlq.all()
			if tc.deadLater == "" {
				if len(dead) != 0 {
					t.Errorf("dead-lettered %v", dead)
				}
				return
			}
			ids := []string{}
			for _, m := range dead {
				ids = append(ids, m.OriginalMessageID)
				if !strings.HasPrefix(m.Reason, tc.deadLater) {
					t.Errorf("%s: reason %q, want %q", m.OriginalMessageID, m.Reason, tc.deadLater)
				}
			}
			slices.Sort(ids)
			if !slices.Equal(ids, []string{"p-a", "p-b"}) {
				t.Errorf("dead-lettered %v, want p-a and p-b", ids)
			}
		})
	}
}

// TestZeroResultSendsTheMessageBack (issue 12.2): the zero value of a message's result, and any
// outcome that is not listed, must not acknowledge a message; every listed outcome has the fate
// its documentation gives. Before, the zero value meant "done".
func TestZeroResultSendsTheMessageBack(t *testing.T) {
	cases := []struct {
		outcome Outcome
		want    bool
	}{
		{messageResult{}.outcome, false}, {Outcome("typo"), false},
		{Retry, false}, {NotStarted, false}, {Panicked, false},
		{Applied, true}, {Filled, true}, {Stale, true}, {Duplicate, true}, {Refused, true},
		{Invalid, true}, {Future, true}, {Expired, true}, {Exhausted, true},
	}
	for _, tc := range cases {
		if got := tc.outcome.Acknowledges(); got != tc.want {
			t.Errorf("Outcome(%q).Acknowledges() = %v, want %v", tc.outcome, got, tc.want)
		}
	}
	if len(cases)-2 != len(outcomes) {
		t.Errorf("%d outcomes listed, the test knows %d", len(outcomes), len(cases)-2)
	}
}
