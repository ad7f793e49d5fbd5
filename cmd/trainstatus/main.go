// Command trainstatus reports training jobs to trainstatus, follows them, manages the user's
// reporting tokens and looks after the dead-letter queue.
//
//	trainstatus run [--name NAME] [--job-id ID] [--heartbeat 60s] [--progress-regex RE]
//	                [--stall-after D] [--flush-timeout 5s] -- COMMAND ARGS...
//	trainstatus send --request-id ID --status STATUS [--user-id SUB] [--progress P] [--message M]
//	                 [--error E] [--name N] [--stall-after D] [--seq N] [--time RFC3339] [--queue-url URL]
//	trainstatus login [--api-url URL]                  (the token from stdin, or a prompt without echo)
//	trainstatus token create NAME [--save] | token list [--json] | token revoke ID...
//	trainstatus watch REQUEST_ID [--api-url URL] [--id-token TOKEN] [--interval 1s] [--wait 30s] [--timeout 0]
//	trainstatus send-file [--queue-url URL] FILE        (JSON Lines, one event a line; - is stdin)
//	trainstatus dlq list [--dlq-url URL] [--json]
//	trainstatus dlq redrive [--dlq-url URL] [--queue-url URL] (--all | ID...)
//
// Two doors lead in. A reporting token (tsk_..., $TRAINSTATUS_REPORTING_TOKEN or the config file
// that login writes) reports as its owner through the API's POST /v1/events: run and send use it.
// The SQS door (--queue-url, or $TRAINING_EVENTS_QUEUE_URL when no token is configured, with AWS
// credentials the queue's policy allows) is for the platform's own senders; send-file and dlq use
// it. watch and token act as the signed-in user, with a Cognito ID token ($TRAINSTATUS_ID_TOKEN).
// names.go lists the variables; config.go the config file. AWS settings come from the usual
// places (environment, shared config, instance role); AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_SQS
// point it at a local emulator.
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
// Exit status: 0 done, 1 failed (nothing or not everything was done; see stderr), 2 bad usage;
// run exits with its command's status.
//
// Each subcommand lives in its own file and registers itself in commands (see command.go).
package main

import (
	"context"
	"os"
	"os/signal"
	"time"

	"github.com/trainstatus/trainstatus/cmd/trainstatus/internal/platform"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), platform.StopSignals...)
	platform.SurviveBrokenPipe()
	code := run(ctx, &env{
		args: os.Args[1:], stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr,
		getenv: os.Getenv, now: time.Now, sqs: defaultSQS,
	})
	stop()
	os.Exit(code)
}
