// Command status-updater is the SQS-triggered Lambda function that applies training events to
// the status table.
//
// main only wires: it reads the environment (config.go), creates the DynamoDB and SQS clients
// once at init (the SQS one behind pkg/deadletter's sender) and starts the Lambda runtime. The
// logic is in Handler (batch, concurrency, fates: outcome.go) and pkg/tracker (the state machine,
// the event time window, the TTL). Its environment is
// deploy.StatusUpdaterFunction's: STATUS_TABLE_NAME, DEAD_LETTER_QUEUE_URL, REQUEST_CONCURRENCY,
// LOG_LEVEL, and the SDK's standard endpoint settings (AWS_ENDPOINT_URL[_DYNAMODB|_SQS]) that the
// local stack sets.
package main

import (
	"context"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

func main() {
	h := lambdalog.MustInit(deploy.StatusUpdater, func(log *slog.Logger) (*Handler, error) {
		return newHandler(context.Background(), log)
	})
	lambda.Start(h.Handle)
}

// limits bound each SDK call: a hung connection is abandoned after 1.5 s and retried, instead of
// holding its message until the invocation's deadline, and a failing call gives up within 5.5 s
// (3 attempts, backoff at most 500 ms), so that the message is reported for redelivery well
// within the queue's visibility timeout. Each call is also bounded by the invocation's deadline
// less half of deadlineMargin.
var limits = awsconfig.Limits{AttemptTimeout: 1500 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 500 * time.Millisecond}

// deadlineMargin is the time kept free before the invocation's deadline (Handler.Margin).
const deadlineMargin = 2 * time.Second

func newHandler(ctx context.Context, log *slog.Logger) (*Handler, error) {
	s, err := loadSettings(os.Getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := awsconfig.FromEnv(limits)
	if err != nil {
		return nil, err
	}
	status := ddb.NewTable(dynamodb.NewFromConfig(cfg), s.statusTable, tables.StatusSchema)
	return &Handler{
		Applier:       tracker.New(status, tracker.DefaultRetention),
		DeadLetters:   deadletter.NewSender(sqs.NewFromConfig(cfg)),
		DeadLetterURL: s.deadLetterURL,
		Log:           log,
		Metrics:       emf.New(os.Stdout, emf.Namespace, emf.FunctionName(deploy.StatusUpdater)),
		Concurrency:   s.concurrency,
		Margin:        deadlineMargin,
		MaxReceives:   deploy.MaxReceiveCount,
	}, nil
}
