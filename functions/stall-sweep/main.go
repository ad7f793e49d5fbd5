// Command stall-sweep finds training jobs that went silent (issue 22). Run on a schedule
// (deploy.StallSweepSchedule: an EventBridge rule when deployed, a ticker in the local stack), it
// Queries each shard of the status table's open-jobs index (tables.IndexOpen, keys only; never a
// Scan), reads the jobs it lists (BatchGetItem), judges each (job.Stalled, with the job's own
// window or STALL_WINDOW), and records each new silence once with a conditional UpdateItem
// (stall_alerted_for = the updated_at it judged). The status-notifier receives that write from
// the change feed and sends the alert through the owner's channels, with its own mark, the same
// path as a job's end. A stalled job is never marked FAILED: silence is not failure.
//
// main only wires: it reads the configuration, creates the DynamoDB client once at init and
// starts the Lambda runtime. The logic is in Handler. Environment:
//
//	STATUS_TABLE_NAME  the status table (required)
//	STALL_WINDOW       the window of jobs that gave none of their own, a Go duration (default 15m)
//	LOG_LEVEL          debug, info, warn or error (default info)
//	AWS_ENDPOINT_URL[_DYNAMODB]  the SDK's standard endpoint settings (local stack)
package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Limits bound each SDK call: a sweep of a few pages and writes stays far inside the timeout.
var Limits = awsconfig.Limits{AttemptTimeout: 3 * time.Second, MaxAttempts: 3, MaxBackoff: 500 * time.Millisecond}

func main() {
	h := lambdalog.MustInit(deploy.StallSweep, newHandler)
	lambda.Start(h.Handle)
}

func newHandler(log *slog.Logger) (*Handler, error) {
	table := os.Getenv(deploy.StatusTableVar.Name)
	if table == "" {
		return nil, fmt.Errorf("%s must be set", deploy.StatusTableVar.Name)
	}
	window, err := deploy.ParseStallWindow(os.Getenv(deploy.StallWindowVar.Name))
	if err != nil {
		return nil, err
	}
	cfg, err := awsconfig.FromEnv(Limits)
	if err != nil {
		return nil, err
	}
	return &Handler{
		Jobs:        ddb.NewTable(dynamodb.NewFromConfig(cfg), table, tables.StatusSchema),
		StallWindow: window,
		Log:         log,
		Metrics:     emf.New(os.Stdout, emf.Namespace, emf.FunctionName(deploy.StallSweep)),
		Now:         time.Now,
	}, nil
}
