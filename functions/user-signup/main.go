// Command user-signup is the Cognito user pool's PostConfirmation trigger: when a user confirms
// their sign-up it records them in the user table (user_id = the Cognito sub, the lower-cased
// email when there is one, and the time of the first confirmation). A retried trigger keeps the
// first record; a forgot-password confirmation (or any other trigger source) writes nothing.
//
// Cognito waits at most 5 seconds for a trigger, so every call is bounded: the whole DynamoDB
// work has Budget, each HTTP attempt Limits.AttemptTimeout, and the SDK retries at most Limits.MaxAttempts
// times with backoff capped at Limits.MaxBackoff, which all fit inside Budget. If DynamoDB still fails,
// the function returns an error that says so, and Cognito reports the failure to the client.
//
// main only wires: it reads the configuration, creates the SDK client once at init, and starts
// the Lambda runtime. The logic is in Handler. Environment:
//
//	USER_TABLE_NAME            the user table (required)
//	LOG_LEVEL                  debug, info, warn or error (default info)
//	AWS_ENDPOINT_URL[_DYNAMODB]  the SDK's standard endpoint settings (local stack)
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func main() {
	h := lambdalog.MustInit("user-signup", func(log *slog.Logger) (*Handler, error) {
		return newHandler(context.Background(), log)
	})
	lambda.Start(h.Handle)
}

func newHandler(ctx context.Context, log *slog.Logger) (*Handler, error) {
	table := os.Getenv(tables.EnvUserTable)
	if table == "" {
		return nil, fmt.Errorf("%s must be set", tables.EnvUserTable)
	}
	cfg, err := awsconfig.Load(ctx, Limits)
	if err != nil {
		return nil, err
	}
	users := ddb.NewTable(dynamodb.NewFromConfig(cfg), table, tables.UserSchema)
	return &Handler{Users: TableStore{Table: users}, Log: log, Budget: Budget, Now: time.Now}, nil
}
