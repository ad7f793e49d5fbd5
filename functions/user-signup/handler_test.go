package main

import (
	"bytes"
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
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

const (
	janeSub = "3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"
	noMail  = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

// TestSamples invokes the handler with each sample of events/cognito, as Cognito sends it: the
// event comes back unchanged, to the byte, and the user table holds exactly what it should.
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
		{"post-authentication.json", janeSub, "jane.doe@example.com", 1, "repaired"},
		{"post-authentication-local.json", noMail, "bob@example.com", 1, "repaired"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f := newFixture(t)
			payload := sampleBytes(t, tc.file)
			got, err := f.invoke(payload)
			if err != nil {
				t.Fatalf("Handle: %v", err)
			}
			if !bytes.Equal(got, payload) {
				t.Errorf("event changed:\n got %s\nwant %s", got, payload)
			}
			if n := f.ddb.Calls("UpdateItem"); n != tc.wantPuts {
				t.Errorf("%d UpdateItem calls, want %d", n, tc.wantPuts)
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
			if u.UserID != tc.user || u.Timestamp != job.FormatTime(firstLogin) || u.EmailNotifications != nil {
				t.Errorf("record %+v, want user %s first login %s, no preference", u, tc.user, job.FormatTime(firstLogin))
			}
			email, has := item["email"]
			switch {
			case tc.wantEmail == "-" && has:
				t.Errorf("email attribute %v written for a user without one (it must stay out of by_email)", email)
			case tc.wantEmail != "-" && u.Email != tc.wantEmail:
				t.Errorf("email %q, want %q", u.Email, tc.wantEmail)
			case u.EmailVerified != (tc.wantEmail != "-"): // every sample with an email says email_verified "true"
				t.Errorf("email_verified %v for email %q", u.EmailVerified, u.Email)
			}
		})
	}
}

func TestEmailsAreNeverLoggedInFull(t *testing.T) {
	for _, file := range []string{"signup.json", "post-authentication.json"} {
		t.Run(file, func(t *testing.T) {
			f := newFixture(t)
			if _, err := f.invoke(sampleBytes(t, file)); err != nil {
				t.Fatal(err)
			}
			logs := strings.ToLower(f.logs.String())
			if strings.Contains(logs, "jane.doe") || !strings.Contains(logs, `"email":"j***@example.com"`) {
				t.Errorf("log shows the email or lacks the masked form:\n%s", f.logs)
			}
		})
	}
}

func TestRetriedTriggerKeepsFirstTimestamp(t *testing.T) {
	f := newFixture(t)
	ev := loadEvent(t, "signup.json")
	for i := range 3 { // Cognito retries a trigger up to three times
		f.now = firstLogin.Add(time.Duration(i) * time.Minute)
		if err := f.handle(ev); err != nil {
			t.Fatalf("attempt %d: %v", i+1, err)
		}
	}
	if u := f.user(janeSub); u.Timestamp != job.FormatTime(firstLogin) {
		t.Errorf("timestamp %s, want the first login %s", u.Timestamp, job.FormatTime(firstLogin))
	}
	if n := strings.Count(f.logs.String(), `"outcome":"exists"`); n != 2 {
		t.Errorf("%d retries logged as exists, want 2:\n%s", n, f.logs)
	}
}

// TestSignInRepairsALostConfirmation (issue 12.5): the confirmation's write fails (an injected
// DynamoDB fault), so there is no record and Cognito will not run the trigger again; the first
// sign-in creates the record, with its own time as the first login; later sign-ins leave it
// alone. Each sign-in costs one conditional write.
func TestSignInRepairsALostConfirmation(t *testing.T) {
	f := newFixture(t)
	f.ddb.SetFault(ddbtest.FaultOn(func(context.Context) error {
		return &smithy.GenericAPIError{Code: "InternalServerError", Message: "injected", Fault: smithy.FaultServer}
	}, "UpdateItem"))
	if err := f.handle(loadEvent(t, "signup.json")); !errors.Is(err, ErrUserTable) {
		t.Fatalf("confirmation: %v, want ErrUserTable", err)
	}
	if f.raw(janeSub) != nil {
		t.Fatal("a record exists after the failed confirmation")
	}
	f.ddb.SetFault(nil)

	signIn := loadSignIn(t, "post-authentication.json")
	firstSignIn := firstLogin.Add(time.Hour)
	steps := []struct {
		name    string
		at      time.Time
		outcome string
	}{
		{"first sign-in: created", firstSignIn, "repaired"},
		{"second sign-in: kept", firstSignIn.Add(24 * time.Hour), "exists"},
		{"third sign-in: kept", firstSignIn.Add(48 * time.Hour), "exists"},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			f.now = st.at
			f.logs.Reset()
			before := f.ddb.Calls()
			if err := f.handle(signIn); err != nil {
				t.Fatalf("sign-in: %v", err)
			}
			if n := f.ddb.Calls() - before; n != 1 || f.ddb.Calls("UpdateItem") == 0 {
				t.Errorf("%d DynamoDB calls for a sign-in, want one UpdateItem", n)
			}
			u := f.user(janeSub)
			if u.Timestamp != job.FormatTime(firstSignIn) || u.Email != "jane.doe@example.com" {
				t.Errorf("record %+v, want the first sign-in %s", u, job.FormatTime(firstSignIn))
			}
			if !strings.Contains(f.logs.String(), `"outcome":"`+st.outcome+`"`) {
				t.Errorf("log lacks outcome %s:\n%s", st.outcome, f.logs)
			}
		})
	}
}

// TestSignInKeepsEmailCurrent: a sign-in brings the record's email and email_verified to what
// the event's userAttributes say (a changed address, verified or not yet), in one write, and
// keeps the first timestamp and the user's preferences; the notifier mails only a verified one.
func TestSignInKeepsEmailCurrent(t *testing.T) {
	cases := []struct {
		name         string
		attrs        map[string]string // set on the sign-in event ("" deletes the attribute)
		wantEmail    string
		wantVerified bool
	}{
		{"unchanged", nil, "jane.doe@example.com", true},
		{"new address, verified", map[string]string{"email": "Jane@New.Example", "email_verified": "true"}, "jane@new.example", true},
		{"new address, not yet verified", map[string]string{"email": "jane@new.example", "email_verified": "false"}, "jane@new.example", false},
		{"verified flag absent", map[string]string{"email_verified": ""}, "jane.doe@example.com", false},
		{"no email any more", map[string]string{"email": "", "email_verified": ""}, "", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			if err := f.handle(loadEvent(t, "signup.json")); err != nil {
				t.Fatal(err)
			}
			off := false
			if _, err := f.table.Update(ddb.Key{Partition: janeSub}).Set(tables.AttrEmailNotifications, off).
				Set(tables.AttrEmailVerified, true).Value(context.Background()); err != nil {
				t.Fatal(err)
			}
			before := f.user(janeSub)
			signIn := loadSignIn(t, "post-authentication.json")
			signIn.Request.UserAttributes["email_verified"] = "true"
			for k, v := range tc.attrs {
				if v == "" {
					delete(signIn.Request.UserAttributes, k)
					continue
				}
				signIn.Request.UserAttributes[k] = v
			}
			f.now = firstLogin.Add(72 * time.Hour)
			calls := f.ddb.Calls()
			if err := f.handle(signIn); err != nil {
				t.Fatal(err)
			}
			if n := f.ddb.Calls() - calls; n != 1 {
				t.Errorf("%d DynamoDB calls for a sign-in, want one UpdateItem", n)
			}
			want := before
			want.Email, want.EmailVerified = tc.wantEmail, tc.wantVerified
			after := f.user(janeSub)
			if !reflect.DeepEqual(after, want) || after.WantsEmail() {
				t.Errorf("record %+v after the sign-in, want %+v", after, want)
			}
			if after.Mailable() != (tc.wantEmail != "" && tc.wantVerified) {
				t.Errorf("Mailable() = %v for %+v", after.Mailable(), after)
			}
		})
	}
}

func TestOtherTriggerSourcesWriteNothing(t *testing.T) {
	for _, source := range []string{"PostConfirmation_ConfirmForgotPassword", "PreSignUp_SignUp", "", "postconfirmation_confirmsignup",
		"postauthentication_authentication", "TokenGeneration_Authentication", "PreAuthentication_Authentication"} {
		t.Run(source, func(t *testing.T) {
			f := newFixture(t)
			ev := loadEvent(t, "signup.json")
			ev.TriggerSource = source
			if err := f.handle(ev); err != nil || f.ddb.Calls("UpdateItem") != 0 {
				t.Errorf("err %v, %d writes; want nil, 0", err, f.ddb.Calls("UpdateItem"))
			}
			if !strings.Contains(f.logs.String(), `"outcome":"ignored"`) {
				t.Errorf("log:\n%s", f.logs)
			}
		})
	}
}

// TestNotACognitoEvent: a payload that is not a Cognito event at all is an error, and no write.
func TestNotACognitoEvent(t *testing.T) {
	for _, payload := range []string{`[]`, `"PostConfirmation_ConfirmSignUp"`, `{"triggerSource":7}`,
		`{"triggerSource":"PostConfirmation_ConfirmSignUp","request":[]}`, `{"triggerSource":"PostAuthentication_Authentication","request":{"newDeviceUsed":"yes"}}`} {
		t.Run(payload, func(t *testing.T) {
			f := newFixture(t)
			if _, err := f.invoke([]byte(payload)); !errors.Is(err, ErrNotCognitoEvent) || f.ddb.Calls() != 0 {
				t.Errorf("error %v, %d calls; want ErrNotCognitoEvent and none", err, f.ddb.Calls())
			}
		})
	}
}

// TestMissingSub: without a sub there is no user id: a confirmation fails with ErrMissingSub, a
// sign-in goes on; neither writes, and both log the reason at ERROR level.
func TestMissingSub(t *testing.T) {
	attrs := map[string]map[string]string{
		"no sub":        {"email": "a@example.com"},
		"empty sub":     {"sub": "", "email": "a@example.com"},
		"no attributes": nil,
	}
	for name, a := range attrs {
		for _, trigger := range []string{TriggerConfirmSignUp, TriggerAuthentication} {
			t.Run(name+"/"+trigger, func(t *testing.T) {
				f := newFixture(t)
				var err error
				if trigger == TriggerConfirmSignUp {
					ev := loadEvent(t, "signup.json")
					ev.Request.UserAttributes = a
					err = f.handle(ev)
					if !errors.Is(err, ErrMissingSub) || !strings.Contains(err.Error(), `"sub"`) {
						t.Errorf("error %v, want ErrMissingSub naming the sub attribute", err)
					}
				} else {
					ev := loadSignIn(t, "post-authentication.json")
					ev.Request.UserAttributes = a
					if err = f.handle(ev); err != nil {
						t.Errorf("sign-in failed: %v", err)
					}
				}
				if f.ddb.Calls("UpdateItem") != 0 {
					t.Error("an event without sub was written")
				}
				if !strings.Contains(f.logs.String(), `"level":"ERROR"`) || strings.Contains(f.logs.String(), "a@example.com") {
					t.Errorf("log lacks the ERROR line or shows the email:\n%s", f.logs)
				}
			})
		}
	}
}

// TestDynamoDBFailure: whatever DynamoDB does, the handler answers within its budget. A
// confirmation fails with an error that says the user table failed (details for the log); a
// sign-in goes on, and its failure is an ERROR line.
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
			return fmt.Errorf("operation error DynamoDB: UpdateItem: %w", ctx.Err())
		},
		"missing table": func(context.Context) error {
			return &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
		},
	}
	for name, fault := range cases {
		t.Run(name+"/confirmation", func(t *testing.T) {
			f := newFixture(t)
			f.h.Budget = budget
			f.ddb.SetFault(ddbtest.FaultOn(fault, "UpdateItem"))
			start := time.Now()
			err := f.handle(loadEvent(t, "signup.json"))
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
			if !strings.Contains(f.logs.String(), `"outcome":"failed"`) || !strings.Contains(f.logs.String(), `"level":"ERROR"`) ||
				!strings.Contains(f.logs.String(), f.table.Name()) {
				t.Errorf("log lacks the failure details:\n%s", f.logs)
			}
			if f.raw(janeSub) != nil {
				t.Error("a record exists after a failed write")
			}
		})
		t.Run(name+"/sign-in", func(t *testing.T) {
			f := newFixture(t)
			f.h.Budget = budget
			f.ddb.SetFault(ddbtest.FaultOn(fault, "UpdateItem"))
			if err := f.handle(loadSignIn(t, "post-authentication.json")); err != nil {
				t.Fatalf("the sign-in failed: %v", err)
			}
			if !strings.Contains(f.logs.String(), `"outcome":"failed"`) || !strings.Contains(f.logs.String(), `"level":"ERROR"`) ||
				!strings.Contains(f.logs.String(), `"aws_request_id":"lambda-req-1"`) {
				t.Errorf("log lacks the ERROR line:\n%s", f.logs)
			}
		})
	}
}
