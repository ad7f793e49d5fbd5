package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

const (
	queueURL = "http://sqs.local/123456789012/training-events"
	dlqURL   = "http://sqs.local/123456789012/training-events-dlq"
)

var now = time.Date(2026, 11, 24, 10, 0, 5, 123456789, time.UTC)

// sub is the user of the events the tests send: a Cognito sub.
const sub = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"

type result struct {
	code           int
	stdout, stderr string
}

// cli runs the command line against fake with the given environment variables.
func cli(t *testing.T, fake *sqsfake.Fake, vars map[string]string, stdin string, args ...string) result {
	t.Helper()
	return cliWith(t, fake, vars, strings.NewReader(stdin), args...)
}

// cliWithStdin runs the command line with stdin, and no SQS.
func cliWithStdin(t *testing.T, vars map[string]string, stdin io.Reader, args ...string) result {
	t.Helper()
	return cliWith(t, nil, vars, stdin, args...)
}

func cliWith(t *testing.T, fake *sqsfake.Fake, vars map[string]string, stdin io.Reader, args ...string) result {
	t.Helper()
	var out, errOut bytes.Buffer
	// The config file is the test's own unless the test names one: never the developer's.
	all := map[string]string{EnvConfigHome: t.TempDir()}
	for k, v := range vars {
		all[k] = v
	}
	code := run(context.Background(), &env{
		args: args, stdin: stdin, stdout: &out, stderr: &errOut,
		getenv: func(k string) string { return all[k] },
		now:    func() time.Time { return now },
		sqs:    func(context.Context) (sqsAPI, error) { return fake, nil },
	})
	return result{code, out.String(), errOut.String()}
}

var withQueue = map[string]string{producer.EnvQueueURL: queueURL, EnvDeadLetterQueueURL: dlqURL}

func queued(t *testing.T, fake *sqsfake.Fake, url string) []trainevent.Event {
	t.Helper()
	var out []trainevent.Event
	for _, m := range fake.Messages(url) {
		e, err := trainevent.Parse([]byte(m.Body))
		if err != nil {
			t.Fatalf("invalid body queued: %v", err)
		}
		out = append(out, e)
	}
	return out
}

func TestSend(t *testing.T) {
	tests := []struct {
		name     string
		vars     map[string]string
		args     []string
		fault    error
		wantCode int
		check    func(t *testing.T, e trainevent.Event)
		wantErr  string
	}{
		{name: "all flags", vars: withQueue, args: []string{"send", "--request-id", "job-1", "--user-id", sub, "--status", "in progress",
			"--progress", "42.5", "--message", "epoch 3/10", "--seq", "7", "--time", "2026-11-24T11:00:05.5+01:00"},
			check: func(t *testing.T, e trainevent.Event) {
				if e.Status != job.InProgress || *e.Progress != 42.5 || e.Seq != 7 || e.Message != "epoch 3/10" ||
					e.OrderKey() != "2026-11-24T10:00:05.500000Z#00000000000000000007" {
					t.Fatalf("queued %+v", e)
				}
			}},
		{name: "queue from the flag, time defaults to now", args: []string{"send", "--queue-url", queueURL, "--request-id", "job-1",
			"--user-id", sub, "--status", "FAILED", "--error", "OOM"},
			check: func(t *testing.T, e trainevent.Event) {
				if !e.EventTime.Equal(now.Truncate(time.Microsecond)) || e.Progress != nil || e.Error != "OOM" {
					t.Fatalf("queued %+v", e)
				}
			}},
		{name: "no queue URL", args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "STARTED"},
			wantCode: 2, wantErr: "--queue-url or $TRAINING_EVENTS_QUEUE_URL is required"},
		{name: "missing request id", vars: withQueue, args: []string{"send", "--user-id", sub, "--status", "STARTED"},
			wantCode: 2, wantErr: "request_id: is required"},
		{name: "bad status", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "RUNNING"},
			wantCode: 2, wantErr: "status:"},
		{name: "progress 150", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "IN_PROGRESS", "--progress", "150"},
			wantCode: 2, wantErr: "progress:"},
		{name: "progress not a number", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "IN_PROGRESS", "--progress", "half"},
			wantCode: 2, wantErr: "not a number"},
		{name: "bad time", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "STARTED", "--time", "yesterday"},
			wantCode: 2, wantErr: "event_time:"},
		{name: "user id not a Cognito sub", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", "alice", "--status", "STARTED"},
			wantCode: 2, wantErr: "user_id: must be a Cognito sub"},
		{name: "user id in upper case", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", strings.ToUpper(sub), "--status", "STARTED"},
			wantCode: 2, wantErr: "user_id: must be a Cognito sub"},
		{name: "message with an escape sequence", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "STARTED", "--message", "\x1b[2J"},
			wantCode: 2, wantErr: "message: must not contain control characters other than tab and newline (found U+001B)"},
		{name: "progress rounded to six decimals", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "IN_PROGRESS", "--progress", "33.333333333"},
			check: func(t *testing.T, e trainevent.Event) {
				if *e.Progress != 33.333333 {
					t.Fatalf("progress %v", *e.Progress)
				}
			}},
		{name: "unknown flag", vars: withQueue, args: []string{"send", "--colour", "red"}, wantCode: 2},
		{name: "stray argument", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "STARTED", "extra"},
			wantCode: 2, wantErr: "unexpected arguments"},
		{name: "SQS refuses", vars: withQueue, args: []string{"send", "--request-id", "j", "--user-id", sub, "--status", "STARTED"},
			fault: sqsfake.APIError("AccessDenied", "not allowed", smithy.FaultClient), wantCode: 1, wantErr: "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := sqsfake.New()
			if tt.fault != nil {
				fake.Fault = func(string, any) error { return tt.fault }
			}
			r := cli(t, fake, tt.vars, "", tt.args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", r.code, tt.wantCode, r.stderr)
			}
			if !strings.Contains(r.stderr, tt.wantErr) {
				t.Fatalf("stderr %q does not contain %q", r.stderr, tt.wantErr)
			}
			q := queued(t, fake, queueURL)
			if tt.wantCode != 0 {
				if len(q) != 0 {
					t.Fatal("sent despite the failure")
				}
				return
			}
			if len(q) != 1 || strings.TrimSpace(r.stdout) != fake.Messages(queueURL)[0].ID {
				t.Fatalf("%d queued, stdout %q", len(q), r.stdout)
			}
			tt.check(t, q[0])
		})
	}
}

func TestSendFile(t *testing.T) {
	line := func(req, status string, seq int) string {
		return fmt.Sprintf(`{"request_id":%q,"user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":%q,"event_time":"2026-11-24T10:00:%02dZ","seq":%d}`, req, status, seq, seq)
	}
	var good []string
	for i := range 23 {
		good = append(good, line(fmt.Sprintf("job-%d", i%4), "in_progress", i))
	}
	goodFile := filepath.Join(t.TempDir(), "events.jsonl")
	if err := os.WriteFile(goodFile, []byte(strings.Join(good, "\n")+"\n\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Run("file", func(t *testing.T) {
		fake := sqsfake.New()
		r := cli(t, fake, withQueue, "", "send-file", goodFile)
		if r.code != 0 || r.stdout != "sent 23 events\n" || len(queued(t, fake, queueURL)) != 23 || fake.Calls("SendMessageBatch") != 3 {
			t.Fatalf("exit %d, stdout %q, stderr %q, %d calls", r.code, r.stdout, r.stderr, fake.Calls("SendMessageBatch"))
		}
	})
	t.Run("stdin, queue flag after the file", func(t *testing.T) {
		fake := sqsfake.New()
		r := cli(t, fake, nil, strings.Join(good[:3], "\n"), "send-file", "-", "--queue-url", queueURL)
		if r.code != 0 || len(queued(t, fake, queueURL)) != 3 {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
	})
	t.Run("bad lines: nothing sent, every bad line named", func(t *testing.T) {
		fake := sqsfake.New()
		in := strings.Join([]string{good[0], "{oops", good[1], line("job 1", "STARTED", 1)}, "\n")
		r := cli(t, fake, withQueue, in, "send-file", "-")
		if r.code != 1 || !strings.Contains(r.stderr, "line 2: ") || !strings.Contains(r.stderr, "line 4: ") || strings.Contains(r.stderr, "line 3") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if fake.Calls("SendMessageBatch") != 0 {
			t.Fatal("sent despite bad lines")
		}
	})
	t.Run("entries refused: their lines named", func(t *testing.T) {
		fake := sqsfake.New()
		fake.EntryFault = func(_ string, id, _ string) *types.BatchResultErrorEntry {
			if id == "1" {
				return &types.BatchResultErrorEntry{Code: aws.String("InvalidMessageContents"), Message: aws.String("bad"), SenderFault: true}
			}
			return nil
		}
		r := cli(t, fake, withQueue, strings.Join(good[:3], "\n\n"), "send-file", "-")
		if r.code != 1 || !strings.Contains(r.stderr, "line 3 (job-1 IN_PROGRESS): not sent") || !strings.Contains(r.stderr, "1 of 3 events not sent") {
			t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
		}
		if len(queued(t, fake, queueURL)) != 2 {
			t.Fatal("the good entries were not sent")
		}
	})
	t.Run("usage", func(t *testing.T) {
		for _, args := range [][]string{{"send-file"}, {"send-file", "a", "b"}} {
			if r := cli(t, sqsfake.New(), withQueue, "", args...); r.code != 2 {
				t.Errorf("%q: exit %d, want 2", args, r.code)
			}
		}
		if r := cli(t, sqsfake.New(), withQueue, "", "send-file", "/nonexistent/file"); r.code != 1 {
			t.Errorf("missing file: exit %d, want 1", r.code)
		}
	})
}

// deadLetters fills the fake's DLQ with n messages and returns their ids.
func deadLetters(t *testing.T, fake *sqsfake.Fake, n int) []string {
	t.Helper()
	fake.Now = func() time.Time { return now }
	var ids []string
	for i := range n {
		in := deadletter.Build(dlqURL, deadletter.Record{
			Body:   fmt.Sprintf(`{"request_id":"job-%d","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"RUNNING","event_time":"2026-11-24T10:00:00Z"}`, i),
			Reason: "trainevent: invalid event: status: " + job.MustBeOneOf, MessageID: fmt.Sprintf("orig-%d", i),
			ReceiveCount: 1, RequestID: fmt.Sprintf("job-%d", i), FailedAt: now.Add(-90 * time.Minute),
		})
		ids = append(ids, fake.PutDeadLetter(in))
	}
	return ids
}

func TestDLQList(t *testing.T) {
	fake := sqsfake.New()
	ids := deadLetters(t, fake, 12)
	r := cli(t, fake, withQueue, "", "dlq", "list")
	if r.code != 0 || !strings.Contains(r.stderr, "12 messages") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	if len(lines) != 13 || !strings.HasPrefix(lines[0], "MESSAGE ID") {
		t.Fatalf("stdout:\n%s", r.stdout)
	}
	if f := strings.Fields(lines[1]); f[0] != ids[0] || f[1] != "1h30m" || f[2] != "job-0" || f[3] != "1" || !strings.Contains(lines[1], "status: must be") {
		t.Fatalf("first row %q", lines[1])
	}
	if len(fake.Messages(dlqURL)) != 12 || fake.Visible(dlqURL) != 12 {
		t.Fatal("list deleted or hid messages")
	}

	r = cli(t, fake, nil, "", "dlq", "list", "--json", "--dlq-url", dlqURL)
	var l listed
	first := strings.SplitN(r.stdout, "\n", 2)[0]
	if err := json.Unmarshal([]byte(first), &l); err != nil || l.MessageID != ids[0] || l.AgeSeconds != 5400 || l.OriginalMessageID != "orig-0" || !strings.Contains(l.Body, "RUNNING") {
		t.Fatalf("json line %q: %+v %v", first, l, err)
	}

	failing := sqsfake.New()
	failing.Fault = func(string, any) error { return sqsfake.APIError("AccessDenied", "no", smithy.FaultClient) }
	if r := cli(t, failing, withQueue, "", "dlq", "list"); r.code != 1 || !strings.Contains(r.stderr, "AccessDenied") {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	if r := cli(t, fake, nil, "", "dlq", "list"); r.code != 2 || !strings.Contains(r.stderr, "DEAD_LETTER_QUEUE_URL") {
		t.Fatalf("no DLQ URL: exit %d, stderr %q", r.code, r.stderr)
	}
}

// TestDLQListPrintsNoControlCharacters: a dead-letter message carries whatever was sent; its
// reason, request id and body reach the terminal without their control characters.
func TestDLQListPrintsNoControlCharacters(t *testing.T) {
	fake := sqsfake.New()
	fake.Now = func() time.Time { return now }
	body := "{\"request_id\":\"job-1\",\"message\":\"\x1b]0;pwned\x07\u009b2J\x7f\"}"
	// SQS takes C1 controls, CR and LF in attributes (not ESC: pkg/deadletter replaces it).
	reason := "bad \u009b31mred\u009b0m\r\n\u0085reason"
	in := deadletter.Build(dlqURL, deadletter.Record{Body: body, Reason: reason,
		MessageID: "orig-1", ReceiveCount: 1, RequestID: "job\u009b1A", FailedAt: now.Add(-time.Minute)})
	fake.PutDeadLetter(in)

	table := cli(t, fake, withQueue, "", "dlq", "list")
	lines := nonEmptyLines(table.stdout)
	if table.code != 0 || len(lines) != 2 {
		t.Fatalf("exit %d, stdout:\n%s\nstderr: %s", table.code, table.stdout, table.stderr)
	}
	if !strings.Contains(lines[1], " job1A ") || !strings.HasSuffix(lines[1], "bad 31mred0m reason") {
		t.Errorf("row %q", lines[1])
	}

	js := cli(t, fake, withQueue, "", "dlq", "list", "--json")
	var l listed
	if err := json.Unmarshal([]byte(js.stdout), &l); err != nil || l.Body != body || l.Reason != reason {
		t.Fatalf("--json: %q decodes to %+v, %v; want the body and reason unchanged", js.stdout, l, err)
	}
	for name, r := range map[string]result{"table": table, "json": js} {
		if i := strings.IndexFunc(r.stdout+r.stderr, unsafeRune); i >= 0 {
			t.Errorf("%s output holds a control character at %d:\n%q", name, i, r.stdout)
		}
	}
}

func TestDLQRedrive(t *testing.T) {
	tests := []struct {
		name                string
		args                func(ids []string) []string
		wantCode            int
		wantMoved, wantLeft int
	}{
		{"all", func([]string) []string { return []string{"--all"} }, 0, 5, 0},
		{"chosen ids, one original", func(ids []string) []string { return []string{ids[1], "orig-3"} }, 0, 2, 3},
		{"unknown id", func(ids []string) []string { return []string{ids[0], "nope"} }, 1, 1, 4},
		{"neither --all nor ids", func([]string) []string { return nil }, 2, 0, 5},
		{"both --all and ids", func(ids []string) []string { return []string{"--all", ids[0]} }, 2, 0, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := sqsfake.New()
			ids := deadLetters(t, fake, 5)
			r := cli(t, fake, withQueue, "", append([]string{"dlq", "redrive"}, tt.args(ids)...)...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr %q", r.code, tt.wantCode, r.stderr)
			}
			if got := len(fake.Messages(queueURL)); got != tt.wantMoved {
				t.Errorf("%d in the queue, want %d", got, tt.wantMoved)
			}
			if got := len(fake.Messages(dlqURL)); got != tt.wantLeft {
				t.Errorf("%d left in the DLQ, want %d", got, tt.wantLeft)
			}
			if got := strings.Count(r.stdout, "redriven "); got != tt.wantMoved {
				t.Errorf("stdout names %d redriven, want %d: %q", got, tt.wantMoved, r.stdout)
			}
		})
	}
	fake := sqsfake.New()
	deadLetters(t, fake, 1)
	if r := cli(t, fake, map[string]string{producer.EnvQueueURL: dlqURL, EnvDeadLetterQueueURL: dlqURL}, "", "dlq", "redrive", "--all"); r.code != 2 {
		t.Fatalf("redrive onto itself: exit %d", r.code)
	}
}

func TestDispatch(t *testing.T) {
	tests := []struct {
		args     []string
		wantCode int
		wantOut  string
	}{
		{nil, 2, "missing command"},
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"dlq"}, 2, "missing command"},
		{[]string{"dlq", "purge"}, 2, `unknown command "purge"`},
		{[]string{"help"}, 0, "send-file"},
		{[]string{"send", "-h"}, 0, "--request-id"},
	}
	for _, tt := range tests {
		r := cli(t, sqsfake.New(), nil, "", tt.args...)
		if r.code != tt.wantCode || !strings.Contains(r.stdout+r.stderr, strings.TrimPrefix(tt.wantOut, "--")) {
			t.Errorf("%q: exit %d, output %q; want %d and %q", tt.args, r.code, r.stdout+r.stderr, tt.wantCode, tt.wantOut)
		}
	}
}
