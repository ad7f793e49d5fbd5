// Command ingest is the Lambda function behind POST /v1/events on the HTTP API (payload format
// 2.0, no JWT authorizer): training code anywhere reports events with a reporting token
// (`Authorization: Bearer tsk_...`), and the function files them as the token's owner's.
//
// Per request: the token is looked up with one GetItem (none while its instance's cache holds
// the answer, TOKEN_CACHE_TTL), the owner's rate-limit window takes the request's events with one
// conditional UpdateItem, each event is validated with pkg/trainevent's ParseOwned (the rules the
// status-updater applies, with the owner from the token), and the valid ones go to the events
// queue with SendMessageBatch (pkg/producer: 10 entries and 256 KiB per call, failed entries
// retried). The answer says, per event, accepted, refused (with field and reason) or retry; it is
// 503 with Retry-After when any event could not be enqueued, so that nothing is acknowledged that
// was not enqueued. Refusals: 401 for a missing, unknown or revoked token (one answer for all),
// 413 over 1 MiB, 400 for a body that is not one event or {"events": [1..100 events]}, 429 with
// Retry-After over the owner's limit. One JSON log line per request (never a header or the body)
// and one EMF line of counts.
//
// main only wires: it reads the environment (the names are pkg/deploy's), creates the SDK clients
// once at init and starts the Lambda runtime. Environment:
//
//	TOKENS_TABLE_NAME       the reporting tokens table (required)
//	RATE_LIMIT_TABLE_NAME   the rate-limit windows table (required)
//	EVENTS_QUEUE_URL        the training-events queue (required)
//	TOKEN_CACHE_TTL         how long an answer about a token is trusted, the revocation bound
//	                        (Go duration, default 30s; 0 disables the cache)
//	INGEST_RATE_LIMIT       events per user per window (default 600, at least 100)
//	INGEST_RATE_WINDOW      the window (Go duration of whole seconds, default 1m)
//	LOG_LEVEL               debug, info, warn or error (default info)
//	AWS_ENDPOINT_URL[_DYNAMODB|_SQS]  the SDK's standard endpoint settings (local stack)
package main

import (
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

func main() {
	h := lambdalog.MustInit(deploy.Ingest, newHandler)
	lambda.Start(h.Handle)
}

// limits bound each SDK call's retries: a client is waiting (see Budget).
var limits = awsconfig.Limits{AttemptTimeout: 1500 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 200 * time.Millisecond}

func newHandler(log *slog.Logger) (*Handler, error) {
	cfg, err := readConfig(os.Getenv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsconfig.FromEnv(limits)
	if err != nil {
		return nil, err
	}
	client := dynamodb.NewFromConfig(awsCfg)
	store := tokenstore.New(ddb.NewTable(client, cfg.tokensTable, tables.TokenSchema), nil)
	queue := producer.New(sqs.NewFromConfig(awsCfg), cfg.queueURL)
	queue.Retry = SendRetry
	return &Handler{
		Tokens:  NewAuthenticator(store, cfg.cacheTTL, time.Now),
		Limiter: &WindowLimiter{Table: ddb.NewTable(client, cfg.rateTable, tables.RateWindowSchema), Limit: cfg.rateLimit, Window: cfg.rateWindow, Now: time.Now},
		Queue:   queue,
		Log:     log,
		Metrics: emf.New(os.Stdout, emf.Namespace, emf.FunctionName(deploy.Ingest)),
		Now:     time.Now,
	}, nil
}
