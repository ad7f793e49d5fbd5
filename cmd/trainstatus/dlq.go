package main

import (
	"context"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/dlqtool"
)

// EnvDeadLetterQueueURL names the environment variable dlq reads when --dlq-url is not given:
// the name the status-updater reads it from.
var EnvDeadLetterQueueURL = deploy.DeadLetterQueueVar.Name

// dlqCommands are the subcommands of "dlq"; each registers itself from its own file.
var dlqCommands = map[string]command{}

func init() {
	register(commands, "dlq", command{"inspect (list) or redrive the dead-letter queue", runDLQ})
}

func runDLQ(ctx context.Context, e *env, args []string) error {
	return dispatch(ctx, e, dlqCommands, programName+" dlq", args)
}

// dlqFlags are the flags every dlq subcommand has.
type dlqFlags struct {
	url        *string
	visibility *time.Duration
}

func addDLQFlags(fs interface {
	String(name, value, usage string) *string
	Duration(name string, value time.Duration, usage string) *time.Duration
}) dlqFlags {
	return dlqFlags{
		url:        fs.String("dlq-url", "", "dead-letter queue URL (default $"+EnvDeadLetterQueueURL+")"),
		visibility: fs.Duration("visibility", 30*time.Second, "how long listed messages stay hidden if releasing them fails"),
	}
}

// open returns the DLQ the flags name.
func (f dlqFlags) open(ctx context.Context, e *env) (*dlqtool.Queue, error) {
	u, err := url(e, *f.url, "dlq-url", EnvDeadLetterQueueURL)
	if err != nil {
		return nil, err
	}
	if *f.visibility < time.Second || *f.visibility > 12*time.Hour {
		return nil, usagef("--visibility must be 1s to 12h")
	}
	api, err := e.sqs(ctx)
	if err != nil {
		return nil, err
	}
	d := dlqtool.New(api, u)
	d.Visibility = *f.visibility
	return d, nil
}
