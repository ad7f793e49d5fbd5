package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

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

// sendTimeout bounds how long send keeps trying the ingest endpoint.
const sendTimeout = 30 * time.Second

// runSend sends one event. Where it goes, first match wins: an explicit --queue-url is the SQS
// door; else a reporting token ($TRAINSTATUS_REPORTING_TOKEN, else the config file's) is the
// ingest endpoint (POST /v1/events, as the token's owner); else $TRAINING_EVENTS_QUEUE_URL is
// the SQS door again (a platform sender with AWS credentials, which may name any user).
func runSend(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "send", "send --request-id ID --status STATUS [--user-id SUB] [flags]")
	queue := fs.String("queue-url", "", "send through SQS to this training-events queue (default $"+producer.EnvQueueURL+" when no reporting token is configured)")
	apiURL := fs.String("api-url", "", "the HTTP API's base URL for the token path (default $"+EnvAPIURL+", else the config file's)")
	requestID := fs.String("request-id", "", "the job's request id (default $"+EnvJobID+"; required)")
	userID := fs.String("user-id", "", "the owner's Cognito sub (required through SQS; with a token, absent or the token's owner)")
	status := fs.String("status", "", "STARTED, IN_PROGRESS, SUCCESS or FAILED (required)")
	var progress optFloat
	fs.Var(&progress, "progress", "progress, 0 to 100")
	message := fs.String("message", "", "a message, at most 1 KiB")
	errText := fs.String("error", "", "an error, at most 4 KiB")
	name := fs.String("name", "", "the job's display name, at most 200 bytes")
	stallAfter := fs.Duration("stall-after", 0, "the job's own stall window, 1m to 168h (default: the deployment's)")
	seq := fs.Uint64("seq", 0, "orders events with the same time")
	at := fs.String("time", "", "event time, RFC 3339 (default now)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("send: unexpected arguments %q", pos)
	}
	var cfg clientConfig
	queueURL := *queue
	if queueURL == "" {
		if cfg, err = loadConfig(e); err != nil {
			return err
		}
		if *apiURL != "" {
			cfg.APIURL = trimSlash(*apiURL)
		}
		if cfg.Token == "" {
			queueURL = e.getenv(producer.EnvQueueURL)
			if queueURL == "" {
				return usagef("send: no reporting token (`%s login` or $%s) and no queue: --queue-url or $%s is required",
					programName, EnvReportingToken, producer.EnvQueueURL)
			}
		} else if cfg.APIURL == "" {
			return usagef("send: a reporting token but no API URL: --api-url or $%s (or `%s login`)", EnvAPIURL, programName)
		}
	}
	if *at == "" {
		*at = job.FormatTime(e.now())
	}
	if *requestID == "" {
		*requestID = e.getenv(EnvJobID)
	}
	// The event is built as JSON and parsed, so that flags follow exactly the rules of a body.
	body := map[string]any{
		"request_id": *requestID, "status": *status, "event_time": *at,
		"seq": *seq, "message": *message, "error": *errText, "name": *name,
	}
	if *userID != "" || queueURL != "" {
		body["user_id"] = *userID
	}
	if progress.v != nil {
		body["progress"] = *progress.v
	}
	if *stallAfter != 0 {
		if *stallAfter%time.Second != 0 || *stallAfter < 0 {
			return usagef("send: --stall-after must be whole seconds")
		}
		body["stall_after_seconds"] = int64(*stallAfter / time.Second)
	}
	b, err := json.Marshal(body)
	if err != nil {
		return usagef("send: %v", err) // NaN or Inf progress
	}
	var ev trainevent.Event
	if _, named := body["user_id"]; named {
		ev, err = trainevent.Parse(b)
	} else {
		ev, err = trainevent.ParseOwned(b, validationOwner)
		ev.UserID = ""
	}
	if err != nil {
		return &usageError{fmt.Sprintf("send: %v", err)}
	}
	if queueURL == "" {
		return sendWithToken(ctx, e, cfg, ev)
	}
	api, err := e.sqs(ctx)
	if err != nil {
		return err
	}
	id, err := producer.New(api, queueURL).Send(ctx, ev)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, sanitize(id))
	return nil
}

// sendWithToken sends ev to the ingest endpoint, retrying what may pass later for up to
// sendTimeout, and says whether it was accepted.
func sendWithToken(ctx context.Context, e *env, c clientConfig, ev trainevent.Event) error {
	rep := newReporter(newIngestClient(c, requestTimeout), sendPolicy)
	rep.add(ev)
	if err := rep.close(ctx, sendTimeout); err != nil {
		return fmt.Errorf("send: %w", err)
	}
	fmt.Fprintf(e.stdout, "accepted %s %s\n", ev.RequestID, ev.Status)
	return nil
}

var _ flag.Value = (*optFloat)(nil)
