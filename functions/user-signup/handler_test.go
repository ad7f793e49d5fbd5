package main

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

const (
	janeSub = "3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"
	noMail  = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

// TestSamples invokes the handler with each sample of events/cognito: the event comes back
// unchanged, and the user table holds exactly what it should.
func TestSamples(t *testing.T) {
	cases := []struct {
		file      string
		user      string
		wantEmail string // "-" means the attribute is absent
		wantPuts  int64
		outcome   string
	}{
		{"signup.json", janeSub, "jane.doe@example.com", 1, "created"},
		{"signup-no-email.json", noMail, "-", 1, "created"},
		{"forgot-password.json", janeSub, "", 0, "ignored"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f := newFixture(t)
			ev := loadEvent(t, tc.file)
			got, err := f.handle(ev)
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if !reflect.DeepEqual(got, loadEvent(t, tc.file)) {
				t.Errorf("event changed:\n got %+v\nwant %+v", got, ev)
			}
			if n := f.ddb.Calls("PutItem"); n != tc.wantPuts {
				t.Errorf("%d PutItem calls, want %d", n, tc.wantPuts)
			}
			if !strings.Contains(f.logs.String(), `"outcome":"`+tc.outcome+`"`) ||
				!strings.Contains(f.logs.String(), `"aws_request_id":"lambda-req-1"`) {
				t.Errorf("log lacks outcome %s or the request id:\n%s", tc.outcome, f.logs)
			}
			item := f.raw(tc.user)
			if tc.wantPuts == 0 {
				if item != nil {
					t.Errorf("a record was written: %v", item)
				}
				return
			}
			u := f.user(tc.user)
			if u.UserID != tc.user || u.Timestamp != ddb.FormatTime(firstLogin) {
				t.Errorf("record %+v, want user %s first login %s", u, tc.user, ddb.FormatTime(firstLogin))
			}
			email, has := item["email"]
			switch {
			case tc.wantEmail == "-" && has:
				t.Errorf("email attribute %v written for a user without one (it must stay out of by_email)", email)
			case tc.wantEmail != "-" && u.Email != tc.wantEmail:
				t.Errorf("email %q, want %q", u.Email, tc.wantEmail)
			}
		})
	}
}

func TestEmailsAreNeverLoggedInFull(t *testing.T) {
	f := newFixture(t)
	if _, err := f.handle(loadEvent(t, "signup.json")); err != nil {
		t.Fatal(err)
	}
	logs := strings.ToLower(f.logs.String())
	if strings.Contains(logs, "jane.doe") || !strings.Contains(logs, `"email":"j***@example.com"`) {
		t.Errorf("log shows the email or lacks the masked form:\n%s", f.logs)
	}
}

func TestRetriedTriggerKeepsFirstTimestamp(t *testing.T) {
	f := newFixture(t)
	ev := loadEvent(t, "signup.json")
	for i := range 3 { // Cognito retries a trigger up to three times
		f.now = firstLogin.Add(time.Duration(i) * time.Minute)
		if got, err := f.handle(ev); err != nil || !reflect.DeepEqual(got, ev) {
			t.Fatalf("attempt %d: %v (event changed: %t)", i+1, err, !reflect.DeepEqual(got, ev))
		}
	}
	if u := f.user(janeSub); u.Timestamp != ddb.FormatTime(firstLogin) {
		t.Errorf("timestamp %s, want the first login %s", u.Timestamp, ddb.FormatTime(firstLogin))
	}
	if n := strings.Count(f.logs.String(), `"outcome":"exists"`); n != 2 {
		t.Errorf("%d retries logged as exists, want 2:\n%s", n, f.logs)
	}
}

func TestOtherTriggerSourcesWriteNothing(t *testing.T) {
	for _, source := range []string{"PostConfirmation_ConfirmForgotPassword", "PreSignUp_SignUp", "", "postconfirmation_confirmsignup"} {
		t.Run(source, func(t *testing.T) {
			f := newFixture(t)
			ev := loadEvent(t, "signup.json")
			ev.TriggerSource = source
			got, err := f.handle(ev)
			if err != nil || !reflect.DeepEqual(got, ev) || f.ddb.Calls("PutItem") != 0 {
				t.Errorf("err %v, event unchanged %t, %d writes; want nil, true, 0", err, reflect.DeepEqual(got, ev), f.ddb.Calls("PutItem"))
			}
		})
	}
}

func TestMissingSub(t *testing.T) {
	for name, attrs := range map[string]map[string]string{
		"no sub":        {"email": "a@example.com"},
		"empty sub":     {"sub": "", "email": "a@example.com"},
		"no attributes": nil,
	} {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			ev := loadEvent(t, "signup.json")
			ev.Request.UserAttributes = attrs
			_, err := f.handle(ev)
			if !errors.Is(err, ErrMissingSub) || !strings.Contains(err.Error(), `"sub"`) {
				t.Errorf("error %v, want ErrMissingSub naming the sub attribute", err)
			}
			if f.ddb.Calls("PutItem") != 0 {
				t.Error("an event without sub was written")
			}
			if strings.Contains(f.logs.String(), "a@example.com") {
				t.Errorf("email logged in full:\n%s", f.logs)
			}
		})
	}
}

// TestDynamoDBFailure: whatever DynamoDB does, the handler answers within its budget with an
// error that says the user table failed, and keeps the details for the log.
func TestDynamoDBFailure(t *testing.T) {
	const budget = 300 * time.Millisecond
	cases := map[string]func(ctx context.Context) error{
		"throttled": func(context.Context) error {
			return &types.ProvisionedThroughputExceededException{Message: aws.String("slow down")}
		},
		"server error": func(context.Context) error {
			return &smithy.GenericAPIError{Code: "InternalServerError", Message: "boom", Fault: smithy.FaultServer}
		},
		"hangs": func(ctx context.Context) error {
			<-ctx.Done()
			return fmt.Errorf("operation error DynamoDB: PutItem: %w", ctx.Err())
		},
		"missing table": func(context.Context) error {
			return &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
		},
	}
	for name, fault := range cases {
		t.Run(name, func(t *testing.T) {
			f := newFixture(t)
			f.h.Budget = budget
			f.ddb.SetFault(ddbtest.FaultOn(fault, "PutItem"))
			start := time.Now()
			_, err := f.handle(loadEvent(t, "signup.json"))
			took := time.Since(start)
			var se *StoreError
			if !errors.Is(err, ErrUserTable) || !errors.As(err, &se) {
				t.Fatalf("error %v, want a StoreError (ErrUserTable)", err)
			}
			if took > budget+200*time.Millisecond {
				t.Errorf("took %v, budget %v", took, budget)
			}
			msg := err.Error()
			if !strings.Contains(msg, "DynamoDB") || !strings.Contains(msg, "lambda-req-1") || strings.Contains(msg, f.table.Name()) {
				t.Errorf("message %q: want DynamoDB and the request id, not the table name", msg)
			}
			if se.Err == nil {
				t.Errorf("cause lost: %#v", se)
			}
			if !strings.Contains(f.logs.String(), `"outcome":"failed"`) || !strings.Contains(f.logs.String(), f.table.Name()) {
				t.Errorf("log lacks the failure details:\n%s", f.logs)
			}
			if f.raw(janeSub) != nil {
				t.Error("a record exists after a failed write")
			}
		})
	}
}

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"jane.doe@example.com": "j***@example.com",
		"j@example.com":        "j***@example.com",
		"@example.com":         "***",
		"no-at-sign":           "***",
		"":                     "",
		"a@b@example.com":      "a***@example.com",
		"élodie@example.fr":    "é***@example.fr",
	} {
		if got := maskEmail(in); got != want {
			t.Errorf("maskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
