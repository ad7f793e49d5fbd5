// Command status-updater is the Lambda function that consumes training events from SQS and keeps
// the status table's "pizza tracker" right, under retries, duplicates and reordering.
//
// main only wires: it reads the configuration, creates the SDK clients once at init, and starts
// the Lambda runtime. The logic is in Handler (batch, concurrency, fates) and pkg/tracker (the
// state machine). Environment:
//
//	STATUS_TABLE_NAME      the status table (required)
//	DEAD_LETTER_QUEUE_URL  where poison messages go, with their reason (required)
//	MAX_CONCURRENCY        requests worked on at once (default 10)
//	DEADLINE_MARGIN_MS     time kept free before the invocation deadline (default 2000)
//	RETENTION_DAYS         days a record is kept after its last event (default 90)
//	LOG_LEVEL              debug, info, warn or error (default info)
//	AWS_ENDPOINT_URL[_DYNAMODB|_SQS]  the SDK's standard endpoint settings (local stack)
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

func main() {
	h := lambdalog.MustInit("status-updater", func(log *slog.Logger) (*Handler, error) {
		return newHandler(context.Background(), log)
	})
	lambda.Start(h.Handle)
}

// limits bound each SDK call: a hung connection is abandoned after 1.5 s and retried, instead of
// holding its message until the invocation's deadline, and a failing call gives up within 5.5 s
// (3 attempts, backoff at most 500 ms), so that the message is reported for redelivery well
// within the queue's visibility timeout. Each call is also bounded by the invocation's deadline
// less half of DEADLINE_MARGIN_MS.
var limits = awsconfig.Limits{AttemptTimeout: 1500 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 500 * time.Millisecond}

func newHandler(ctx context.Context, log *slog.Logger) (*Handler, error) {
	table := os.Getenv(tables.EnvStatusTable)
	dlq := os.Getenv("DEAD_LETTER_QUEUE_URL")
	if table == "" || dlq == "" {
		return nil, fmt.Errorf("%s and DEAD_LETTER_QUEUE_URL must be set", tables.EnvStatusTable)
	}
	concurrency, err := envInt("MAX_CONCURRENCY", 10)
	if err != nil {
		return nil, err
	}
	margin, err := envInt("DEADLINE_MARGIN_MS", 2000)
	if err != nil {
		return nil, err
	}
	days, err := envInt("RETENTION_DAYS", 90)
	if err != nil {
		return nil, err
	}
	cfg, err := awsconfig.Load(ctx, limits)
	if err != nil {
		return nil, err
	}
	status := ddb.NewTable(dynamodb.NewFromConfig(cfg), table, tables.StatusSchema)
	return &Handler{
		Applier:       tracker.New(status, time.Duration(days)*24*time.Hour),
		DeadLetters:   sqs.NewFromConfig(cfg),
		DeadLetterURL: dlq,
		Log:           log,
		Metrics:       NewMetricsWriter(os.Stdout, "trainstatus", os.Getenv("AWS_LAMBDA_FUNCTION_NAME")),
		Concurrency:   concurrency,
		Margin:        time.Duration(margin) * time.Millisecond,
	}, nil
}

func envInt(name string, def int) (int, error) {
	s := os.Getenv(name)
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("%s=%q: want a positive integer", name, s)
	}
	return n, nil
}
