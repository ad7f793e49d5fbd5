// Package lambdalog is the one way the functions log: JSON lines (log/slog) on stdout, at the
// level LOG_LEVEL names, each carrying the Lambda request id of the invocation it belongs to.
package lambdalog

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// Level parses a LOG_LEVEL value: debug, info, warn or error; "" is deploy.LogLevelVar's default.
func Level(s string) (slog.Level, error) {
	if s == "" {
		s = deploy.LogLevelVar.Default
	}
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("%s=%q: want debug, info, warn or error", deploy.LogLevelVar.Name, s)
	}
	return l, nil
}

// New returns a JSON logger writing to out at the level given by logLevel (a LOG_LEVEL value).
func New(out io.Writer, logLevel string) (*slog.Logger, error) {
	level, err := Level(logLevel)
	if err != nil {
		return nil, err
	}
	return slog.New(slog.NewJSONHandler(out, &slog.HandlerOptions{Level: level})), nil
}

// ForInvocation returns log with the invocation's aws_request_id, when ctx is a Lambda context.
func ForInvocation(ctx context.Context, log *slog.Logger) *slog.Logger {
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		return log.With("aws_request_id", lc.AwsRequestID)
	}
	return log
}

// MustInit is a function's init: it makes the logger (LOG_LEVEL) and builds the handler with
// it. If either fails, the function is misconfigured: it logs one clear line saying so and why,
// and exits 1, which Lambda reports as an init error, so that no invocation runs half-configured.
func MustInit[H any](function string, build func(log *slog.Logger) (H, error)) H {
	log, err := New(os.Stdout, os.Getenv(deploy.LogLevelVar.Name))
	var h H
	if err == nil {
		h, err = build(log)
	}
	if err != nil {
		if log == nil {
			log = slog.New(slog.NewJSONHandler(os.Stdout, nil))
		}
		log.Error(function+" cannot start: misconfigured", "error", err.Error())
		os.Exit(1)
	}
	return h
}
