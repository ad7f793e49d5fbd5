package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
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
	fmt.Fprintf(w, "environment for AWS tools and SDKs:\n  %s\n", envLine(s))
	if s.User != nil {
		fmt.Fprintf(w, "user %s (password %s), ID token valid for a day:\n  export TOKEN=%s\n", s.User.Email, s.User.Password, s.User.IDToken)
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TOKEN\" %s/status\n", s.HTTPEndpoint)
	}
	fmt.Fprintf(w, "  curl -s -o /dev/null -w '%%{http_code}\\n' %s/status   # 401 without a token\n", s.HTTPEndpoint)
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
