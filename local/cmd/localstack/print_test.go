package main

import (
	"bytes"
	"encoding/base64"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// printed is a stack state as `make up` prints it, at a fixed time.
func printed(t *testing.T, s stack.State, now time.Time) string {
	t.Helper()
	var out bytes.Buffer
	writeEndpoints(&out, s, now)
	return out.String()
}

// TestPrintForTheAWSCLI: the printout's lines for the page, the demo user, the AWS CLI and the
// sent mail, exactly. (Each command was run with AWS CLI 1.45 against a running stack; the
// test does not need the CLI installed.)
func TestPrintForTheAWSCLI(t *testing.T) {
	const sub = "0f8fad5b-d9cb-469f-a165-70867728950e"
	token := "h." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"`+sub+`"}`)) + ".s"
	now := time.Date(2026, 11, 25, 9, 30, 0, 123456789, time.UTC)
	s := stack.State{
		Region: "us-east-1", HTTPEndpoint: "http://127.0.0.1:3000", LambdaEndpoint: "http://127.0.0.1:3001",
		SQSEndpoint: "http://127.0.0.1:4566", CognitoEndpoint: "http://127.0.0.1:9229",
		DynamoDBEndpoint: "http://127.0.0.1:8000", SESEndpoint: "http://127.0.0.1:8005",
		QueueURL:      "http://sqs.us-east-1.localhost:4566/000000000000/training-events",
		DeadLetterURL: "http://sqs.us-east-1.localhost:4566/000000000000/training-events-dlq",
		StatusTable:   "trainstatus-local-status", UserTable: "trainstatus-local-users",
		User: &cognito.User{Email: "demo@example.com", Sub: sub, Password: "Local-Passw0rd!", IDToken: token},
	}
	body := `{"request_id":"job-cli-1","user_id":"` + sub + `","status":"STARTED","event_time":"2026-11-25T09:30:00.123456Z","seq":0,"message":"sent with the AWS CLI"}`
	lines := []string{
		"  SES (local)       http://127.0.0.1:8005   sent mail: GET http://127.0.0.1:8005/store\n",
		"tracker page (open in a browser):\n  http://127.0.0.1:3000/\n  sign in as demo@example.com with password Local-Passw0rd! (or create an account on the page)\n",
		"environment for the AWS CLI and SDKs (dummy credentials: the emulators accept any):\n" +
			"  export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local " +
			"AWS_ENDPOINT_URL_SQS=http://127.0.0.1:4566 AWS_ENDPOINT_URL_DYNAMODB=http://127.0.0.1:8000 AWS_ENDPOINT_URL_SESV2=http://127.0.0.1:8005 " +
			"AWS_ENDPOINT_URL_LAMBDA=http://127.0.0.1:3001 AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=http://127.0.0.1:9229\n" +
			"  aws dynamodb scan --table-name trainstatus-local-status\n",
		"an AWS CLI older than the AWS_ENDPOINT_URL_<SERVICE> variables needs --endpoint-url (AWS CLI v1 always does for SQS):\n" +
			"  aws dynamodb scan --endpoint-url http://127.0.0.1:8000 --table-name trainstatus-local-status\n" +
			"  aws sqs get-queue-attributes --endpoint-url http://127.0.0.1:4566 --queue-url http://sqs.us-east-1.localhost:4566/000000000000/training-events --attribute-names ApproximateNumberOfMessages\n",
		"send one training event with the AWS CLI (any version, with the environment above):\n" +
			"  aws sqs send-message --endpoint-url http://127.0.0.1:4566 --queue-url http://sqs.us-east-1.localhost:4566/000000000000/training-events --message-body '" + body + "'\n",
		"  build/host/trainstatus send --request-id job-1 --user-id " + sub + " --status STARTED\n",
		"sent mail (status-notifier emails a job's owner when it ends), newest last:\n" +
			"  curl -s http://127.0.0.1:8005/store   # {\"emails\": [...]}; POST /clear-store empties it\n",
	}
	out := printed(t, s, now)
	for _, want := range lines {
		if !strings.Contains(out, want) {
			t.Errorf("the printout lacks\n%s\nin:\n%s", want, out)
		}
	}

	// The example is a valid event, with the same rules status-updater applies: the user's sub,
	// dated now.
	m := regexp.MustCompile(`--message-body '([^']*)'`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no --message-body in:\n%s", out)
	}
	ev, err := trainevent.Parse([]byte(m[1]))
	if err != nil || ev.UserID != sub || ev.Status != job.Started || !ev.EventTime.Equal(now.Truncate(time.Microsecond)) {
		t.Errorf("the example event %s: %+v, %v", m[1], ev, err)
	}

	tests := []struct {
		name        string
		change      func(*stack.State)
		has, hasNot []string
	}{
		{"no user: no example event, no sign-in line", func(s *stack.State) { s.User = nil },
			[]string{"export AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1 ", "curl -s http://127.0.0.1:8005/store"},
			[]string{"send-message", "sign in as"}},
		{"a user without a sub: no example event", func(s *stack.State) { s.User = &cognito.User{Email: "x@example.com", IDToken: "garbage"} },
			[]string{"sign in as x@example.com"}, []string{"send-message"}},
		{"another region", func(s *stack.State) { s.Region = "eu-west-1" },
			[]string{"export AWS_REGION=eu-west-1 AWS_DEFAULT_REGION=eu-west-1 "}, []string{"us-east-1 AWS_DEFAULT_REGION"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := s
			tt.change(&c)
			out := printed(t, c, now)
			for _, want := range tt.has {
				if !strings.Contains(out, want) {
					t.Errorf("lacks %q:\n%s", want, out)
				}
			}
			for _, bad := range tt.hasNot {
				if strings.Contains(out, bad) {
					t.Errorf("has %q:\n%s", bad, out)
				}
			}
		})
	}
}
