package lambdalog

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

func TestLevel(t *testing.T) {
	cases := []struct {
		in   string
		want slog.Level
		ok   bool
	}{
		{"", slog.LevelInfo, true}, {"debug", slog.LevelDebug, true}, {"WARN", slog.LevelWarn, true},
		{"error", slog.LevelError, true}, {"verbose", 0, false}, {"1", 0, false},
	}
	for _, tc := range cases {
		got, err := Level(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("Level(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestForInvocationAddsRequestID(t *testing.T) {
	var buf bytes.Buffer
	log, err := New(&buf, "warn")
	if err != nil {
		t.Fatal(err)
	}
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "req-42"})
	ForInvocation(ctx, log).Info("dropped below warn")
	ForInvocation(ctx, log).Warn("kept")
	ForInvocation(context.Background(), log).Warn("no lambda context")
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if len(lines) != 2 || !strings.Contains(lines[0], `"aws_request_id":"req-42"`) || strings.Contains(lines[1], "aws_request_id") {
		t.Errorf("log lines:\n%s", buf.String())
	}
}
