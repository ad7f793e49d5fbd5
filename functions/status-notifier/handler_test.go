package main

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

const owner = "3f9a1c52-7d2e-4b8a-9c61-2e5f0d4a7b13" // the user of events/dynamodb

// TestWhatEachRecordSends runs each sample record through the handler against DynamoDB Local and
// the SES emulator, and checks the mail that arrived, the job's mark and the logged outcome.
func TestWhatEachRecordSends(t *testing.T) {
	cases := []struct {
		name, sample string
		email        string // the owner's address; "" for none
		noRecord     bool
		wants        *bool
		outcome      Outcome
		subject      string // "" when no mail is expected
		body         []string
	}{
		{name: "success", sample: "job-succeeded.json", email: "succ@example.com", outcome: Sent,
			subject: "resnet50-lr0.1 succeeded in 2 h 14 min",
			body:    []string{"val_acc 0.913", "https://tracker.example.com/jobs/resnet50-lr0.1", "Started: 2026-11-24T08:00:00.000000Z (1 min)", "Training: 2026-11-24T08:01:10.000000Z (2 h 13 min)"}},
		{name: "failure", sample: "job-failed.json", email: "fail@example.com", outcome: Sent,
			subject: "resnet50-lr0.1 failed: CUDA out of memory. Tried to allocate 2.00 GiB",
			body:    []string{"Error: CUDA out of memory", "Failed: 2026-11-24T10:14:30.000000Z"}},
		{name: "created final", sample: "job-created-final.json", email: "insert@example.com", outcome: Sent,
			subject: "resnet50-lr0.1 succeeded in 2 h 14 min"},
		{name: "progress", sample: "progress.json", email: "progress@example.com", outcome: Skipped},
		{name: "late fill on a final job", sample: "late-fill.json", email: "late@example.com", outcome: Skipped},
		{name: "the notifier's own mark", sample: "notified-mark.json", email: "mark@example.com", outcome: Skipped},
		{name: "opted out", sample: "job-succeeded.json", email: "optout@example.com", wants: ptr(false), outcome: OptedOut},
		{name: "opted back in", sample: "job-succeeded.json", email: "optin@example.com", wants: ptr(true), outcome: Sent,
			subject: "resnet50-lr0.1 succeeded in 2 h 14 min"},
		{name: "no user record", sample: "job-succeeded.json", email: "norecord@example.com", noRecord: true, outcome: Skipped},
		{name: "no email", sample: "job-succeeded.json", outcome: Skipped},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			ev := f.sample(tc.sample)
			if !tc.noRecord {
				f.user(owner, tc.email, tc.wants)
			}
			resp := f.handle(ev)
			if len(resp.BatchItemFailures) != 0 {
				t.Errorf("failures %v, want none", resp.BatchItemFailures)
			}
			if !strings.Contains(f.log.String(), `"outcome":"`+string(tc.outcome)+`"`) {
				t.Errorf("log has no outcome %s:\n%s", tc.outcome, f.log)
			}
			var mail []string
			if tc.email != "" {
				for _, m := range mailTo(t, tc.email) {
					mail = append(mail, m.Subject)
					for _, want := range tc.body {
						if !strings.Contains(m.Text, want) {
							t.Errorf("text part lacks %q:\n%s", want, m.Text)
						}
					}
					if !strings.Contains(m.HTML, `href="https://tracker.example.com/jobs/resnet50-lr0.1"`) || m.From != "trainstatus@example.com" {
						t.Errorf("HTML part or sender wrong: from %q\n%s", m.From, m.HTML)
					}
				}
			}
			marked := f.notifiedAt(ev)
			if tc.subject == "" {
				if len(mail) != 0 || (marked != "" && tc.sample != "notified-mark.json") {
					t.Errorf("mail %q, mark %q; want none", mail, marked)
				}
				return
			}
			if len(mail) != 1 || mail[0] != tc.subject {
				t.Errorf("mail %q, want one %q", mail, tc.subject)
			}
			if marked != "2026-11-24T10:15:00.000000Z" {
				t.Errorf("notified_at = %q, want the send time", marked)
			}
		})
	}
}

// TestFailuresAndRedelivery: transient failures are reported by sequence number and retried;
// refused addresses are not; a redelivered record sends nothing more; a crash between the send
// and the mark repeats the email once, and never loses it.
func TestFailuresAndRedelivery(t *testing.T) {
	type step struct {
		sesFault  *sesFault
		ddbFault  string // DynamoDB operation to fail with a 500, "" for none
		outcome   Outcome
		failed    bool // reported in batchItemFailures
		mailAfter int  // emails to the owner after this delivery
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"delivered twice: one email", []step{
			{outcome: Sent, mailAfter: 1},
			{outcome: Skipped, mailAfter: 1},
		}},
		{"SES throttles, then recovers", []step{
			{sesFault: &sesFault{status: 429, code: "TooManyRequestsException"}, outcome: Failed, failed: true, mailAfter: 0},
			{sesFault: &sesFault{status: 500, code: "InternalFailure"}, outcome: Failed, failed: true, mailAfter: 0},
			{outcome: Sent, mailAfter: 1},
		}},
		{"reading the owner fails, then recovers", []step{
			{ddbFault: "GetItem", outcome: Failed, failed: true, mailAfter: 0},
			{outcome: Sent, mailAfter: 1},
		}},
		{"address refused: counted, not retried", []step{
			{sesFault: &sesFault{status: 400, code: "MessageRejected"}, outcome: Refused, mailAfter: 0},
		}},
		{"no permission to send: the deployment's fault, retried", []step{
			{sesFault: &sesFault{status: 403, code: "AccessDeniedException"}, outcome: Failed, failed: true, mailAfter: 0},
			{outcome: Sent, mailAfter: 1},
		}},
		{"a refusal not about the recipient (a bad request of ours): retried", []step{
			{sesFault: &sesFault{status: 400, code: "BadRequestException"}, outcome: Failed, failed: true, mailAfter: 0},
			{outcome: Sent, mailAfter: 1},
		}},
		{"a signing error: retried", []step{
			{sesFault: &sesFault{status: 403, code: "InvalidSignatureException"}, outcome: Failed, failed: true, mailAfter: 0},
		}},
		{"a 404 without an error type (a wrong endpoint): retried", []step{
			{sesFault: &sesFault{status: 404, code: ""}, outcome: Failed, failed: true, mailAfter: 0},
		}},
		{"a redirect: retried", []step{
			{sesFault: &sesFault{status: 302, code: ""}, outcome: Failed, failed: true, mailAfter: 0},
		}},
		{"sender not verified: an operator's fault, retried", []step{
			{sesFault: &sesFault{status: 400, code: "MailFromDomainNotVerifiedException"}, outcome: Failed, failed: true, mailAfter: 0},
		}},
		{"crash after the send: the one duplicate the design allows", []step{
			{ddbFault: "UpdateItem", outcome: Failed, failed: true, mailAfter: 1},
			{outcome: Sent, mailAfter: 2},
			{outcome: Skipped, mailAfter: 2},
		}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			ev := f.sample("job-succeeded.json")
			to := "redelivery" + string(rune('a'+i)) + "@example.com"
			f.user(owner, to, nil)
			for n, s := range tc.steps {
				f.ses.fault.Store(s.sesFault)
				f.spy.SetFault(nil)
				switch s.ddbFault {
				case "GetItem": // of the owner's record
					f.spy.SetFault(failOn("GetItem", f.users.Name()))
				case "UpdateItem": // the mark, after the send
					f.spy.SetFault(failOn("UpdateItem", f.h.Jobs.Name()))
				}
				before := strings.Count(f.log.String(), "\n")
				resp := f.handle(ev)
				lines := strings.Split(f.log.String(), "\n")[before:]
				logged := strings.Join(lines, "\n")
				if !strings.Contains(logged, `"outcome":"`+string(s.outcome)+`"`) {
					t.Errorf("delivery %d: outcome not %s:\n%s", n+1, s.outcome, logged)
				}
				wantFailures := 0
				if s.failed {
					wantFailures = 1
				}
				if len(resp.BatchItemFailures) != wantFailures ||
					(s.failed && resp.BatchItemFailures[0].ItemIdentifier != ev.Records[0].Change.SequenceNumber) {
					t.Errorf("delivery %d: failures %v, want %d for the record's sequence number", n+1, resp.BatchItemFailures, wantFailures)
				}
				if got := len(mailTo(t, to)); got != s.mailAfter {
					t.Errorf("delivery %d: %d emails, want %d", n+1, got, s.mailAfter)
				}
			}
		})
	}
}

// failOn fails one operation on one table, as a DynamoDB 500 would.
func failOn(op, table string) ddbtest.FaultFunc {
	return func(_ context.Context, got string, in any) error {
		var name *string
		switch in := in.(type) {
		case *dynamodb.GetItemInput:
			name = in.TableName
		case *dynamodb.UpdateItemInput:
			name = in.TableName
		}
		if got == op && name != nil && *name == table {
			return errors.New("injected DynamoDB 500")
		}
		return nil
	}
}

// TestBatchStopsAtTheFirstFailure: the records after a failed one are not started; they come back
// with it, in order.
func TestBatchStopsAtTheFirstFailure(t *testing.T) {
	f := newFixture(t)
	ok := f.sample("job-failed.json")
	f.user(owner, "batch@example.com", nil)
	progress := f.sample("progress.json")
	batch := events.DynamoDBEvent{Records: append(append(progress.Records, ok.Records...), progress.Records...)}
	f.ses.fault.Store(&sesFault{status: 503, code: "ServiceUnavailable"})
	resp := f.handle(batch)
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != ok.Records[0].Change.SequenceNumber {
		t.Fatalf("failures %v, want only the failed record %s", resp.BatchItemFailures, ok.Records[0].Change.SequenceNumber)
	}
	if n := strings.Count(f.log.String(), `"msg":"record"`); n != 2 {
		t.Errorf("%d records handled, want 2 (the third is not started)\n%s", n, f.log)
	}
}
