package dlqtool_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/dlqtool"
)

// deadLetter puts n messages into the DLQ as the status-updater would, and returns their
// original message ids; the clock of the fake is fixed.
func deadLetter(t *testing.T, n int) (*sqsfake.Fake, *dlqtool.Queue, []string, time.Time) {
	t.Helper()
	fake := sqsfake.New()
	now := time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC)
	fake.Now = func() time.Time { return now }
	var orig []string
	for i := range n {
		body, _ := event(fmt.Sprintf("job-%d", i), uint64(i)).Marshal()
		rec := deadletter.Record{Body: string(body), Reason: fmt.Sprintf("reason %d", i), MessageID: fmt.Sprintf("orig-%d", i),
			ReceiveCount: 1, RequestID: fmt.Sprintf("job-%d", i), FailedAt: now.Add(-time.Duration(i+1) * time.Minute)}
		in := deadletter.Build(dlqURL, rec)
		fake.PutDeadLetter(in)
		orig = append(orig, rec.MessageID)
	}
	d := dlqtool.New(fake, dlqURL)
	d.Retry = testRetry()
	return fake, d, orig, now
}

func TestInspectListsEverythingOnceAndDeletesNothing(t *testing.T) {
	fake, d, orig, now := deadLetter(t, 25)
	var got []deadletter.Message
	for m, err := range d.Inspect(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, m)
	}
	if len(got) != 25 {
		t.Fatalf("listed %d messages, want 25", len(got))
	}
	for i, m := range got {
		if m.OriginalMessageID != orig[i] || m.Reason != fmt.Sprintf("reason %d", i) || m.RequestID != fmt.Sprintf("job-%d", i) {
			t.Errorf("message %d: %+v", i, m)
		}
		if age := m.Age(now); age != time.Duration(i+1)*time.Minute {
			t.Errorf("message %d: age %v", i, age)
		}
	}
	if n := len(fake.Messages(dlqURL)); n != 25 {
		t.Fatalf("%d messages left, want 25", n)
	}
	if v := fake.Visible(dlqURL); v != 25 {
		t.Fatalf("%d messages visible after the listing, want all 25 released", v)
	}
	if fake.Calls("DeleteMessage") != 0 {
		t.Fatal("Inspect deleted")
	}
}

func TestInspectStoppedEarlyReleasesToo(t *testing.T) {
	fake, d, _, _ := deadLetter(t, 25)
	n := 0
	for _, err := range d.Inspect(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if n++; n == 3 {
			break
		}
	}
	if v := fake.Visible(dlqURL); v != 25 {
		t.Fatalf("%d visible after an early stop, want 25", v)
	}
}

func TestInspectReportsFaults(t *testing.T) {
	t.Run("receive fails", func(t *testing.T) {
		fake, d, _, _ := deadLetter(t, 15)
		fake.Fault = func(op string, _ any) error {
			if op == "ReceiveMessage" && fake.Calls(op) == 2 {
				return sqsfake.APIError("AccessDenied", "no", smithy.FaultClient)
			}
			return nil
		}
		var msgs int
		var errs []error
		for m, err := range d.Inspect(context.Background()) {
			if err != nil {
				errs = append(errs, err)
			} else if m.MessageID != "" {
				msgs++
			}
		}
		if msgs != 10 || len(errs) != 1 {
			t.Fatalf("%d messages, errors %v; want 10 and the receive error", msgs, errs)
		}
		if fake.Visible(dlqURL) != 15 {
			t.Fatal("listed messages not released after the failure")
		}
	})
	t.Run("release fails", func(t *testing.T) {
		fake, d, _, _ := deadLetter(t, 3)
		fake.Fault = func(op string, _ any) error {
			if op == "ChangeMessageVisibilityBatch" {
				return sqsfake.APIError("InternalError", "", smithy.FaultServer)
			}
			return nil
		}
		var errs []error
		for _, err := range d.Inspect(context.Background()) {
			if err != nil {
				errs = append(errs, err)
			}
		}
		if len(errs) != 1 {
			t.Fatalf("errors %v, want one for the release", errs)
		}
	})
	t.Run("malformed attribute", func(t *testing.T) {
		fake, d, _, _ := deadLetter(t, 0)
		fake.Put(dlqURL, "{}", map[string]types.MessageAttributeValue{
			deadletter.AttrReceiveCount: {DataType: aws.String("Number"), StringValue: aws.String("x")},
			deadletter.AttrReason:       {DataType: aws.String("String"), StringValue: aws.String("why")},
		})
		var seq []string
		for m, err := range d.Inspect(context.Background()) {
			switch {
			case errors.Is(err, deadletter.ErrMalformed):
				seq = append(seq, "malformed")
			case err == nil:
				seq = append(seq, m.Reason)
			default:
				t.Fatal(err)
			}
		}
		if !slices.Equal(seq, []string{"malformed", "why"}) {
			t.Fatalf("yielded %v", seq)
		}
	})
}

func TestRedrive(t *testing.T) {
	tests := []struct {
		name         string
		sel          func(dlqIDs, orig []string) dlqtool.Selection
		fault        func(op string, in any) error
		wantRedriven int
		wantFailed   int
		wantSent     bool // the failure happened after the send
		wantNotFound []string
		wantLeft     int // in the DLQ
		wantInQueue  int
	}{
		{name: "all", sel: func([]string, []string) dlqtool.Selection { return dlqtool.Selection{All: true} },
			wantRedriven: 12, wantLeft: 0, wantInQueue: 12},
		{name: "by dead-letter id and by original id", sel: func(ids, orig []string) dlqtool.Selection {
			return dlqtool.Selection{IDs: []string{ids[2], orig[11]}}
		}, wantRedriven: 2, wantLeft: 10, wantInQueue: 2},
		{name: "unknown id", sel: func(ids, _ []string) dlqtool.Selection {
			return dlqtool.Selection{IDs: []string{ids[0], "nope"}}
		}, wantRedriven: 1, wantNotFound: []string{"nope"}, wantLeft: 11, wantInQueue: 1},
		{name: "send throttled once: retried", sel: func([]string, []string) dlqtool.Selection { return dlqtool.Selection{All: true} },
			fault:        onceFor("SendMessage", sqsfake.APIError("ThrottlingException", "", smithy.FaultClient)),
			wantRedriven: 12, wantLeft: 0, wantInQueue: 12},
		{name: "send refused: stays in the DLQ", sel: func(ids, _ []string) dlqtool.Selection {
			return dlqtool.Selection{IDs: ids[:2]}
		}, fault: onceFor("SendMessage", sqsfake.APIError("QueueDoesNotExist", "", smithy.FaultClient)),
			wantRedriven: 1, wantFailed: 1, wantLeft: 11, wantInQueue: 1},
		{name: "delete refused: sent, stays in the DLQ", sel: func(ids, _ []string) dlqtool.Selection {
			return dlqtool.Selection{IDs: ids[:1]}
		}, fault: onceFor("DeleteMessage", sqsfake.APIError("AccessDenied", "", smithy.FaultClient)),
			wantFailed: 1, wantSent: true, wantLeft: 12, wantInQueue: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, d, orig, _ := deadLetter(t, 12)
			var ids []string
			for _, m := range fake.Messages(dlqURL) {
				ids = append(ids, m.ID)
			}
			fake.Fault = tt.fault
			res, err := d.Redrive(context.Background(), queueURL, tt.sel(ids, orig))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Redriven) != tt.wantRedriven || len(res.Failed) != tt.wantFailed || !slices.Equal(res.NotFound, tt.wantNotFound) {
				t.Fatalf("redriven %d failed %d notfound %v; want %d %d %v", len(res.Redriven), len(res.Failed), res.NotFound,
					tt.wantRedriven, tt.wantFailed, tt.wantNotFound)
			}
			if tt.wantFailed > 0 && res.Failed[0].Sent != tt.wantSent {
				t.Fatalf("failure Sent = %v", res.Failed[0].Sent)
			}
			if (res.Err() != nil) != (tt.wantFailed > 0 || len(tt.wantNotFound) > 0) {
				t.Fatalf("Err() = %v", res.Err())
			}
			if len(tt.wantNotFound) > 0 && !errors.Is(res.Err(), dlqtool.ErrNotFound) {
				t.Fatalf("Err() = %v, want ErrNotFound", res.Err())
			}
			if got := len(fake.Messages(dlqURL)); got != tt.wantLeft {
				t.Errorf("%d left in the DLQ, want %d", got, tt.wantLeft)
			}
			if got := fake.Visible(dlqURL); got != tt.wantLeft {
				t.Errorf("%d visible in the DLQ, want %d (all released)", got, tt.wantLeft)
			}
			inQueue := fake.Messages(queueURL)
			if len(inQueue) != tt.wantInQueue {
				t.Fatalf("%d in the queue, want %d", len(inQueue), tt.wantInQueue)
			}
			// Bodies arrive unchanged, and every redriven message was sent before it was deleted.
			byBody := map[string]bool{}
			for _, m := range inQueue {
				byBody[m.Body] = true
			}
			for _, m := range res.Redriven {
				if !byBody[m.Body] {
					t.Errorf("redriven %s not in the queue with its body", m.MessageID)
				}
			}
		})
	}
}

// onceFor fails the first call of op with err.
func onceFor(op string, err error) func(string, any) error {
	done := false
	return func(o string, _ any) error {
		if o == op && !done {
			done = true
			return err
		}
		return nil
	}
}

func TestRedriveToFIFO(t *testing.T) {
	fake, d, _, _ := deadLetter(t, 3)
	fake.Put(dlqURL, "not json", nil) // still poison: group unknown-request
	var groups []string
	fake.Fault = func(op string, in any) error {
		if op == "SendMessage" {
			groups = append(groups, aws.ToString(in.(*sqs.SendMessageInput).MessageGroupId))
		}
		return nil
	}
	res, err := d.Redrive(context.Background(), fifoURL, dlqtool.Selection{All: true})
	if err != nil || res.Err() != nil {
		t.Fatal(err, res.Err())
	}
	if !slices.Equal(groups, []string{"job-0", "job-1", "job-2", "unknown-request"}) {
		t.Fatalf("groups %v", groups)
	}
	if len(fake.Messages(fifoURL)) != 4 || len(fake.Messages(dlqURL)) != 0 {
		t.Fatal("not all moved")
	}
}

func TestRedriveReceiveFails(t *testing.T) {
	fake, d, _, _ := deadLetter(t, 3)
	fake.Fault = func(op string, _ any) error {
		if op == "ReceiveMessage" {
			return sqsfake.APIError("AccessDenied", "no", smithy.FaultClient)
		}
		return nil
	}
	if _, err := d.Redrive(context.Background(), queueURL, dlqtool.Selection{All: true}); err == nil {
		t.Fatal("no error for a failed receive")
	}
}

// TestRedriveRefusesReplacedBodies: a dead letter whose body was replaced (empty) or cut (too
// large) is never sent back; it stays in the dead-letter queue, named in the result.
func TestRedriveRefusesReplacedBodies(t *testing.T) {
	cases := []struct {
		name string
		body string
	}{
		{"empty body", ""},
		{"cut body", strings.Repeat("x", 300<<10)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fake, d, _, now := deadLetter(t, 1)
			in := deadletter.Build(dlqURL, deadletter.Record{Body: tc.body, Reason: "invalid event: body", MessageID: "orig-x", ReceiveCount: 1, FailedAt: now})
			fake.PutDeadLetter(in)
			res, err := d.Redrive(context.Background(), queueURL, dlqtool.Selection{All: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Redriven) != 1 || len(res.Failed) != 1 || !errors.Is(res.Failed[0].Err, dlqtool.ErrNotVerbatim) || res.Failed[0].Sent {
				t.Fatalf("redriven %d, failed %+v; want the original redriven and the replaced one refused, unsent", len(res.Redriven), res.Failed)
			}
			if left, sent := len(fake.Messages(dlqURL)), len(fake.Messages(queueURL)); left != 1 || sent != 1 {
				t.Errorf("%d left in the DLQ, %d sent; want 1 and 1", left, sent)
			}
		})
	}
}
