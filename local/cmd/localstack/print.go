package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"github.com/trainstatus/trainstatus/local/proc"
	"github.com/trainstatus/trainstatus/local/stack"
)

func writeEndpoints(w io.Writer, s stack.State) {
	fmt.Fprintf(w, `local stack ready (pid %d)
  HTTP API          %s   GET /status, GET /status/{request_id} (Authorization: Bearer <id or access token>)
  Lambda Invoke API %s   POST /2015-03-31/functions/{name}/invocations
  SQS (fauxqs)      %s   queue %s
                    dead letters %s
  Cognito (local)   %s   pool %s, app client %s
  DynamoDB Local    %s   tables %s, %s
`, s.PID, s.HTTPEndpoint, s.LambdaEndpoint, s.SQSEndpoint, s.QueueURL, s.DeadLetterURL,
		s.CognitoEndpoint, s.UserPoolID, s.ClientID, s.DynamoDBEndpoint, s.StatusTable, s.UserTable)
	fmt.Fprintf(w, "tracker page (open in a browser):\n  %s/\n", s.HTTPEndpoint)
	if s.User != nil {
		fmt.Fprintf(w, "  sign in as %s with password %s (or create an account on the page)\n", s.User.Email, s.User.Password)
	}
	fmt.Fprintf(w, "environment for AWS tools and SDKs:\n  %s\n", envLine(s))
	if s.User != nil {
		fmt.Fprintf(w, "user %s (password %s), ID token valid for a day:\n  export TOKEN=%s\n", s.User.Email, s.User.Password, s.User.IDToken)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TOKEN\" %s/status\n", s.HTTPEndpoint)
		fmt.Fprintf(w, "report a job's progress with the CLI (with the environment above), then watch it:\n")
		fmt.Fprintf(w, "  export TRAINING_EVENTS_QUEUE_URL=%s TRAINSTATUS_API_URL=%s TRAINSTATUS_TOKEN=$TOKEN\n", s.QueueURL, s.HTTPEndpoint)
		sub := tokenSubject(s.User.IDToken)
		fmt.Fprintf(w, "  build/host/trainstatus send --request-id job-1 --user-id %s --status STARTED\n", sub)
		fmt.Fprintf(w, "  build/host/trainstatus send --request-id job-1 --user-id %s --status IN_PROGRESS --progress 50 --message 'epoch 5/10'\n", sub)
		fmt.Fprintf(w, "  build/host/trainstatus watch job-1\n")
	}
	fmt.Fprintf(w, "  curl -s -o /dev/null -w '%%{http_code}\\n' %s/status   # 401 without a token\n", s.HTTPEndpoint)
}

// tokenSubject reads the sub claim of a JWT without checking it (it is the token the stack itself
// just issued), for the example commands; "<your sub>" if it cannot.
func tokenSubject(token string) string {
	parts := strings.Split(token, ".")
	if len(parts) == 3 {
		if payload, err := base64.RawURLEncoding.DecodeString(parts[1]); err == nil {
			var claims struct {
				Sub string `json:"sub"`
			}
			if json.Unmarshal(payload, &claims) == nil && claims.Sub != "" {
				return claims.Sub
			}
		}
	}
	return "<your sub>"
}

// envLine is the environment that points the AWS SDKs and CLI at the local stack.
func envLine(s stack.State) string {
	return fmt.Sprintf("export AWS_REGION=us-east-1 AWS_ACCESS_KEY_ID=local AWS_SECRET_ACCESS_KEY=local "+
		"AWS_ENDPOINT_URL_SQS=%s AWS_ENDPOINT_URL_DYNAMODB=%s AWS_ENDPOINT_URL_LAMBDA=%s "+
		"AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER=%s", s.SQSEndpoint, s.DynamoDBEndpoint, s.LambdaEndpoint, s.CognitoEndpoint)
}

func printEndpoints(path string, stdout, stderr io.Writer) int {
	s, err := stack.ReadState(path)
	if err != nil {
		fmt.Fprintln(stderr, "localstack:", err)
		return 1
	}
	writeEndpoints(stdout, s)
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
