// Command status-query is the Lambda function behind the HTTP API (payload format 2.0, Cognito
// JWT authorizer): it answers a signed-in user's questions about their training jobs, from the
// status table.
//
//	GET /status/{request_id}               one job, with an ETag (If-None-Match gives 304)
//	GET /status?limit=&cursor=&status=     the caller's jobs, newest first, one page at a time
//
// The caller is the JWT's sub claim; a job of another user answers the same 404 as a job that
// does not exist. Every request costs exactly one DynamoDB call, bounded by Budget. Errors are
// JSON ({"error":{"code":"...","message":"..."}}) and internals go only to the log.
//
// main only wires: it reads the configuration, creates the SDK client once at init, and starts
// the Lambda runtime. The logic is in Handler. Environment:
//
//	STATUS_TABLE_NAME  the status table (required)
//	CURSOR_SECRET      the HMAC key page cursors are signed with (required, at least 32 bytes;
//	                   every instance must have the same one)
//	LOG_LEVEL          debug, info, warn or error (default info)
//	AWS_ENDPOINT_URL[_DYNAMODB]  the SDK's standard endpoint settings (local stack)
package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func main() {
	h := lambdalog.MustInit("status-query", func(log *slog.Logger) (*Handler, error) {
		return newHandler(context.Background(), log)
	})
	lambda.Start(h.Handle)
}

func newHandler(ctx context.Context, log *slog.Logger) (*Handler, error) {
	table := os.Getenv(tables.EnvStatusTable)
	if table == "" {
		return nil, fmt.Errorf("%s must be set", tables.EnvStatusTable)
	}
	codec, err := newCursorCodec(os.Getenv(deploy.EnvCursorSecret))
	if err != nil {
		return nil, err
	}
	cfg, err := awsconfig.Load(ctx, Limits)
	if err != nil {
		return nil, err
	}
	status := ddb.NewTable(dynamodb.NewFromConfig(cfg), table, tables.StatusSchema, ddb.WithCursorCodec(codec))
	return &Handler{Jobs: TableStore{Table: status}, Log: log, Budget: Budget}, nil
}

// newCursorCodec checks CURSOR_SECRET and makes the codec that signs page cursors.
func newCursorCodec(secret string) (*ddb.CursorCodec, error) {
	if secret == "" {
		return nil, fmt.Errorf("%s must be set (at least %d bytes)", deploy.EnvCursorSecret, ddb.MinCursorSecret)
	}
	codec, err := ddb.NewCursorCodec([]byte(secret))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", deploy.EnvCursorSecret, err)
	}
	return codec, nil
}
