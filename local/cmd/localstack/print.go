package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/trainstatus/trainstatus/local/proc"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// writeEndpoints prints what a person needs to use a running stack: its endpoints, the page and
// a ready user, the environment for the AWS CLI and SDKs (with the --endpoint-url form for CLIs
// older than the service-specific endpoint variables, and one send-message that works), the
// trainstatus CLI, and where the sent mail is. now dates the example events.
func writeEndpoints(w io.Writer, s stack.State, now time.Time) {
	fmt.Fprintf(w, `local stack ready (pid %d)
  HTTP API          %s   %s (Authorization: Bearer <id or access token>)
  Lambda Invoke API %s   POST /2015-03-31/functions/{name}/invocations
  SQS (fauxqs)      %s   queue %s
                    dead letters %s
  Cognito (local)   %s   pool %s, app client %s
  DynamoDB Local    %s   tables %s, %s
  SES (local)       %s   sent mail: GET %s/store
`, s.PID, s.HTTPEndpoint, routeKeys(), s.LambdaEndpoint, s.SQSEndpoint, s.QueueURL, s.DeadLetterURL,
		s.CognitoEndpoint, s.UserPoolID, s.ClientID, s.DynamoDBEndpoint, s.StatusTable, s.UserTable,
		s.SESEndpoint, s.SESEndpoint)
	fmt.Fprintf(w, "tracker page (open in a browser):\n  %s/\n", s.HTTPEndpoint)
	if s.User != nil {
		fmt.Fprintf(w, "  sign in as %s with password %s (or create an account on the page)\n", s.User.Email, s.User.Password)
	}
	if hint := stack.SignUpCodeHint(s); hint != "" {
		fmt.Fprintf(w, "  an account created on the page is confirmed with a code; the page's confirm form says where it is:\n  %s\n", hint)
	}
	writeAWSCLI(w, s, now)
	if s.User != nil {
		fmt.Fprintf(w, "user %s (password %s), ID token valid for a day:\n  export TOKEN=%s\n", s.User.Email, s.User.Password, s.User.IDToken)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TOKEN\" %s/status\n", s.HTTPEndpoint)
		fmt.Fprintf(w, "report a job's progress with the CLI (with the environment above), then watch it:\n")
		fmt.Fprintf(w, "  export TRAINING_EVENTS_QUEUE_URL=%s TRAINSTATUS_API_URL=%s TRAINSTATUS_TOKEN=$TOKEN\n", s.QueueURL, s.HTTPEndpoint)
		sub := s.User.Sub
		if sub == "" {
			sub = "<your sub>"
		}
		fmt.Fprintf(w, "  build/host/trainstatus send --request-id job-1 --user-id %s --status STARTED\n", sub)
		fmt.Fprintf(w, "  build/host/trainstatus send --request-id job-1 --user-id %s --status IN_PROGRESS --progress 50 --message 'epoch 5/10'\n", sub)
		fmt.Fprintf(w, "  build/host/trainstatus watch job-1\n")
	}
	writeReporting(w, s, now)
	fmt.Fprintf(w, "  curl -s -o /dev/null -w '%%{http_code}\\n' %s/status   # 401 without a token\n", s.HTTPEndpoint)
	fmt.Fprintf(w, "sent mail (status-notifier emails a job's owner when it ends), newest last:\n  curl -s %s/store   # {\"emails\": [...]}; POST /clear-store empties it\n", s.SESEndpoint)
	fmt.Fprintf(w, "Slack and webhook alerts (set slack_url %s/slack/me, webhook_url %s/hook/me with PUT /me/alerts):\n  curl -s %s/store   # {\"posts\": [...]}, Slack posts rendered\n", s.ReceiverEndpoint, s.ReceiverEndpoint, s.ReceiverEndpoint)
}

// writeAWSCLI prints the environment that points the AWS SDKs and CLI at the local stack, and
// how to use the AWS CLI with it (each line below was run with AWS CLI 1.45 against the stack):
//   - the CLI reads its region from AWS_DEFAULT_REGION (the SDKs from AWS_REGION): both are set,
//     else every CLI command answers "You must specify a region";
//   - CLIs older than the AWS_ENDPOINT_URL_<SERVICE> variables (AWS CLI v2.13 / v1.29, 2023)
//     need --endpoint-url, and AWS CLI v1 sends SQS calls in us-east-1 to queue.amazonaws.com
//     whatever AWS_ENDPOINT_URL_SQS says (its customization for that endpoint's certificate name
//     yields only to --endpoint-url): so every SQS example carries --endpoint-url.
func writeAWSCLI(w io.Writer, s stack.State, now time.Time) {
	region := s.Region
	if region == "" {
		region = "us-east-1"
	}
	fmt.Fprintf(w, "environment for the AWS CLI and SDKs (dummy credentials: the emulators accept any):\n  %s\n", envLine(s, region))
	fmt.Fprintf(w, "  aws dynamodb scan --table-name %s\n", s.StatusTable)
	fmt.Fprintf(w, "an AWS CLI older than the AWS_ENDPOINT_URL_<SERVICE> variables needs --endpoint-url (AWS CLI v1 always does for SQS):\n")
	fmt.Fprintf(w, "  aws dynamodb scan --endpoint-url %s --table-name %s\n", s.DynamoDBEndpoint, s.StatusTable)
	fmt.Fprintf(w, "  aws sqs get-queue-attributes --endpoint-url %s --queue-url %s --attribute-names ApproximateNumberOfMessages\n", s.SQSEndpoint, s.QueueURL)
	if body, ok := exampleEvent(s, now); ok {
		fmt.Fprintf(w, "send one training event with the AWS CLI (any version, with the environment above):\n")
		fmt.Fprintf(w, "  aws sqs send-message --endpoint-url %s --queue-url %s --message-body '%s'\n", s.SQSEndpoint, s.QueueURL, body)
	}
}

// envLine is the environment that points the AWS SDKs and CLI at the local stack.
func envLine(s stack.State, region string) string {
	return fmt.Sprintf("export AWS_REGION=%s AWS_DEFAULT_REGION=%s AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local "+
		"AWS_ENDPOINT_URL_SQS=%s AWS_ENDPOINT_URL_DYNAMODB=%s AWS_ENDPOINT_URL_SESV2=%s AWS_ENDPOINT_URL_LAMBDA=%s "+
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=%s", region, region,
		s.SQSEndpoint, s.DynamoDBEndpoint, s.SESEndpoint, s.LambdaEndpoint, s.CognitoEndpoint)
}

// exampleEvent is the body of a STARTED event for the stack's user, dated now, written and
// checked by pkg/trainevent as the CLI and producer write it; false without a user.
func exampleEvent(s stack.State, now time.Time) (string, bool) {
	if s.User == nil {
		return "", false
	}
	ev := trainevent.Event{RequestID: "job-cli-1", UserID: s.User.Sub, Status: job.Started,
		EventTime: now, Message: "sent with the AWS CLI"}
	b, err := ev.Marshal()
	if err != nil || strings.ContainsRune(string(b), '\'') { // a quote would end the shell's '...'
		return "", false
	}
	return string(b), true
}

func printEndpoints(path string, stdout, stderr io.Writer) int {
	s, err := stack.ReadState(path)
	if err != nil {
		fmt.Fprintln(stderr, "localstack:", err)
		return 1
	}
	writeEndpoints(stdout, s, time.Now())
	return 0
}

// checkStopped reports whether the stack of a state file is fully gone: its process and every
// address it listened on.
func checkStopped(path string, stderr io.Writer) int {
	s, err := stack.ReadState(path)
	if err != nil {
		if os.IsNotExist(err) {
			return 0
		}
		fmt.Fprintln(stderr, "localstack:", err)
		return 1
	}
	code := 0
	if s.PID > 0 && alive(s.PID) {
		fmt.Fprintf(stderr, "localstack: process %d still running\n", s.PID)
		code = 1
	}
	for _, a := range s.Addrs {
		if err := proc.CheckFree(a); err != nil {
			fmt.Fprintln(stderr, "localstack:", err)
			code = 1
		}
	}
	return code
}

// alive reports whether pid is a process that has not exited (a zombie waiting for its parent to
// reap it has exited).
func alive(pid int) bool {
	if syscall.Kill(pid, 0) != nil {
		return false
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return true
	}
	// The state follows the command name in parentheses: "pid (comm) S ...".
	if i := bytes.LastIndexByte(b, ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] != 'Z' && b[i+2] != 'X'
	}
	return true
}

// routeKeys lists the HTTP API's routes, from pkg/deploy.
func routeKeys() string {
	keys := make([]string, len(deploy.Routes))
	for i, r := range deploy.Routes {
		keys[i] = r.Key()
	}
	return strings.Join(keys, ", ")
}
