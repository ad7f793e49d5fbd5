package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func init() {
	register(commands, "send", command{"send one training event", runSend})
}

// optFloat is a float flag that knows whether it was set.
type optFloat struct{ v *float64 }

func (o *optFloat) String() string {
	if o.v == nil {
		return ""
	}
	return strconv.FormatFloat(*o.v, 'g', -1, 64)
}

func (o *optFloat) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return errors.New("not a number")
	}
	o.v = &f
	return nil
}

func runSend(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "send", "send --request-id ID --user-id SUB --status STATUS [flags]")
	queue := fs.String("queue-url", "", "training-events queue URL (default $"+producer.EnvQueueURL+")")
	requestID := fs.String("request-id", "", "the job's request id (required)")
	userID := fs.String("user-id", "", "the owner's Cognito sub (required)")
	status := fs.String("status", "", "STARTED, IN_PROGRESS, SUCCESS or FAILED (required)")
	var progress optFloat
	fs.Var(&progress, "progress", "progress, 0 to 100")
	message := fs.String("message", "", "a message, at most 1 KiB")
	errText := fs.String("error", "", "an error, at most 4 KiB")
	seq := fs.Uint64("seq", 0, "orders events with the same time")
	at := fs.String("time", "", "event time, RFC 3339 (default now)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("send: unexpected arguments %q", pos)
	}
	url, err := url(e, *queue, "queue-url", producer.EnvQueueURL)
	if err != nil {
		return err
	}
	if *at == "" {
		*at = job.FormatTime(e.now())
	}
	// The event is built as JSON and parsed, so that flags follow exactly the rules of a body.
	body := map[string]any{
		"request_id": *requestID, "user_id": *userID, "status": *status, "event_time": *at,
		"seq": *seq, "message": *message, "error": *errText,
	}
	if progress.v != nil {
		body["progress"] = *progress.v
	}
	b, err := json.Marshal(body)
	if err != nil {
		return usagef("send: %v", err) // NaN or Inf progress
	}
	ev, err := trainevent.Parse(b)
	if err != nil {
		return &usageError{fmt.Sprintf("send: %v", err)}
	}
	api, err := e.sqs(ctx)
	if err != nil {
		return err
	}
	id, err := producer.New(api, url).Send(ctx, ev)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, sanitize(id))
	return nil
}

var _ flag.Value = (*optFloat)(nil)
