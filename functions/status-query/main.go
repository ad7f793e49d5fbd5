// Command status-query is the Lambda function behind the HTTP API (payload format 2.0, Cognito
// JWT authorizer): it answers a signed-in user's questions about their training jobs, from the
// status table, and reads and changes their preferences, in the user table.
//
//	GET /status/{request_id}               one job, with an ETag (If-None-Match gives 304)
//	GET /status?limit=&cursor=&status=     the caller's jobs, newest start first, one page at a time
//	GET /me/preferences                    the caller's preferences
//	PUT /me/preferences                    change them: {"email_notifications": false}
//	GET /me/tokens                         the caller's reporting tokens, newest first
//	POST /me/tokens                        a new one: {"name": "lab-gpu-3"} -> 201 with its secret, once
//	DELETE /me/tokens/{token_id}           revoke one (204; 404 for a missing or another's)
//
// The routes are pkg/deploy's; the bodies are pkg/statusapi's. The caller is the JWT's sub claim,
// and every job is read under the caller's key (user_id, request_id), so a job of another user
// answers the same 404 as a job that does not exist. Every request costs exactly one DynamoDB
// call (a token's creation or revocation: one transaction), bounded by Budget. Errors are JSON ({"error":{"code":"...","message":"..."}}); internals
// go only to the log, and every 5xx writes one ERROR line there.
//
// main only wires: it reads the configuration, creates the SDK client once at init, and starts
// the Lambda runtime. The logic is in Handler. Environment (the names are pkg/deploy's):
//
//	STATUS_TABLE_NAME       the status table (required)
//	USER_TABLE_NAME         the user table (required)
//	TOKENS_TABLE_NAME       the reporting tokens table (required)
//	CURSOR_SECRET           the key page cursors are signed with (required, at least
//	                        deploy.CursorSecretMinBytes; every instance must have the same one)
//	CURSOR_SECRET_PREVIOUS  the key before the last rotation: its cursors are still accepted until
//	                        they expire (optional; see ddb.CursorCodec for the rotation)
//	STALL_WINDOW            how long a job that is not final may be silent before it is shown as
//	                        stalled, a Go duration (default 15m)
//	LOG_LEVEL               debug, info, warn or error (default info)
//	AWS_ENDPOINT_URL[_DYNAMODB]  the SDK's standard endpoint settings (local stack)
package main

import (
	"log/slog"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

func main() {
	h := lambdalog.MustInit(deploy.StatusQuery, newHandler)
	lambda.Start(h.Handle)
}

// newHandler builds the handler from the environment; a misconfiguration is an error, so the
// function fails at init rather than at the first request.
func newHandler(log *slog.Logger) (*Handler, error) {
	cfg, err := readConfig(processEnv)
	if err != nil {
		return nil, err
	}
	awsCfg, err := awsconfig.FromEnv(Limits)
	if err != nil {
		return nil, err
	}
	client := dynamodb.NewFromConfig(awsCfg)
	users := ddb.NewTable(client, cfg.userTable, tables.UserSchema)
	return &Handler{
		Jobs:   ddb.NewTable(client, cfg.statusTable, tables.StatusSchema, ddb.WithCursorCodec(cfg.cursors)),
		Users:  users,
		Tokens: tokenstore.New(ddb.NewTable(client, cfg.tokensTable, tables.TokenSchema), users),
		// ALERTS_ALLOW_LOCAL: the local stack's alone (pkg/alerts); never set when deployed.
		Alerts:      alerts.NewClient(os.Getenv(alerts.AllowLocalVar) == "true"),
		AllowLocal:  os.Getenv(alerts.AllowLocalVar) == "true",
		Log:         log,
		Budget:      Budget,
		StallWindow: cfg.stallWindow,
		Now:         time.Now,
	}, nil
}
