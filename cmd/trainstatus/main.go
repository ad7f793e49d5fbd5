// Command trainstatus reports training-job progress to the training-events queue and looks
// after the dead-letter queue.
//
//	trainstatus send --request-id ID --user-id SUB --status STATUS [--progress P] [--message M]
//	                 [--error E] [--seq N] [--time RFC3339] [--queue-url URL]
//	trainstatus send-file [--queue-url URL] FILE        (JSON Lines, one event a line; - is stdin)
//	trainstatus dlq list [--dlq-url URL] [--json]
//	trainstatus dlq redrive [--dlq-url URL] [--queue-url URL] (--all | ID...)
//	trainstatus watch REQUEST_ID [--api-url URL] [--token TOKEN] [--interval 1s] [--wait 30s] [--timeout 0]
//
// The queue URL defaults to $TRAINING_EVENTS_QUEUE_URL, the dead-letter queue URL to
// $DEAD_LETTER_QUEUE_URL, the API URL and token of watch to $TRAINSTATUS_API_URL and
// $TRAINSTATUS_TOKEN. AWS settings come from the usual places (environment, shared config,
// instance role); AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_SQS point it at a local emulator.
//
// The event format (what send and send-file accept) is documented in events/README.md. watch
// reads the HTTP API's job (pkg/statusapi) and shows its progress, its running time, and the
// API's ETA or, when the API says the job is stalled, how long it has been silent. Everything the
// CLI prints that came from the API or a queue passes through sanitize: no control character
// from a job's message or a dead-letter body reaches the terminal.
//
// The CLI links no DynamoDB package (deps_test.go checks it): a training job that installs it
// gets the SQS client only.
//
// Exit status: 0 done, 1 failed (nothing or not everything was done; see stderr), 2 bad usage.
//
// Each subcommand lives in its own file and registers itself in commands (see command.go).
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// A closed stdout (`trainstatus dlq list | head -1`) must end the command with a write error,
	// not kill it with SIGPIPE before it makes the listed messages visible again.
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
	code := run(ctx, &env{
		args: os.Args[1:], stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, now: time.Now, sqs: defaultSQS,
	})
	stop()
	os.Exit(code)
}
