package stack_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/proc"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// buildHost lays out the test handler as each function's bootstrap, as `make build-host` does.
func buildHost(t *testing.T) string {
	t.Helper()
	boot, err := os.ReadFile(testenv.Bootstrap(t))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, spec := range deploy.Functions {
		fn := spec.Name
		if err := os.MkdirAll(filepath.Join(dir, fn), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, fn, "bootstrap"), boot, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestStack starts the whole stack in process with the test handler as every function and
// drives it from outside: SQS in, Cognito sign-up, the HTTP API; then stops it and checks that
// every address it listened on is free.
func TestStack(t *testing.T) {
	testenv.Tools(t)
	ctx := context.Background()
	cfg := stack.Ephemeral()
	cfg.BuildHost = buildHost(t)
	cfg.DynamoDBEndpoint = os.Getenv(ddbtest.EnvEndpoint) // shared under `make test`; else the stack starts one
	cfg.StateFile = filepath.Join(t.TempDir(), "state.json")
	cfg.User = "ada@example.com"
	cfg.VisibilityTimeout, cfg.MaxReceiveCount, cfg.BatchingWindow = time.Second, 2, 100*time.Millisecond
	st, err := stack.Start(ctx, slog.New(slog.NewJSONHandler(io.Discard, nil)), cfg)
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	closed := false
	defer func() {
		if !closed {
			st.Close()
		}
	}()
	state, err := stack.ReadState(cfg.StateFile)
	if err != nil || state.UserPoolID == "" || state.ClientID == "" || state.HTTPEndpoint == "" {
		t.Fatalf("state file: %v %+v", err, state)
	}
	for _, a := range state.Addrs {
		if !strings.HasPrefix(a, "127.0.0.1:") {
			t.Errorf("listens on %s", a)
		}
	}

	t.Run("events through the mapping", func(t *testing.T) {
		q := fauxqs.NewClient(state.SQSEndpoint)
		for _, b := range []string{"ok", "fail", "ok"} {
			if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &state.QueueURL, MessageBody: aws.String(b)}); err != nil {
				t.Fatal(err)
			}
		}
		deadline := time.Now().Add(20 * time.Second)
		for {
			out, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &state.DeadLetterURL, WaitTimeSeconds: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Messages) == 1 && aws.ToString(out.Messages[0].Body) == "fail" {
				return
			}
			if time.Now().After(deadline) {
				t.Fatal("the failed event never reached the dead-letter queue")
			}
		}
	})

	if state.User == nil || state.User.Email != "ada@example.com" || state.User.IDToken == "" {
		t.Fatalf("state user %+v", state.User)
	}
	token := state.User.IDToken

	t.Run("HTTP API", func(t *testing.T) {
		cases := []struct {
			path, token string
			status      int
			bodyHas     string
		}{
			{"/status/req-1", token, 200, `"request_id":"req-1"`},
			{"/status?limit=2", token, 200, `"routeKey":"GET /status"`},
			{"/status/req-1", "", 401, `{"message":"Unauthorized"}`},
			{"/status/req-1", token + "x", 401, `{"message":"Unauthorized"}`},
			{"/status/req-1/nope", token, 404, `{"message":"Not Found"}`},
			{"/me/nope", token, 404, `{"message":"Not Found"}`},
			{"/jobs/req-1", "", 200, `<!doctype html>`}, // the page, for a deep link
		}
		for _, tc := range cases {
			req, _ := http.NewRequest("GET", state.HTTPEndpoint+tc.path, nil)
			if tc.token != "" {
				req.Header.Set("Authorization", "Bearer "+tc.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(b), tc.bodyHas) {
				t.Errorf("GET %s: %d %.300s; want %d with %s", tc.path, resp.StatusCode, b, tc.status, tc.bodyHas)
			}
			if tc.status == 200 && strings.HasPrefix(tc.path, "/status") {
				var ev map[string]any
				_ = json.Unmarshal(b, &ev)
				if ev["function"] != deploy.StatusQuery {
					t.Errorf("answered by %v", ev["function"])
				}
			}
		}
	})

	st.Close()
	closed = true
	for _, a := range state.Addrs {
		if err := proc.CheckFree(a); err != nil {
			t.Errorf("after Close: %v", err)
		}
	}
}
