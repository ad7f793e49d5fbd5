// Command user-signup records the users of the Cognito user pool in the user table. It is two
// triggers of the pool:
//
//   - PostConfirmation: when a user confirms their sign-up it records them (user_id = the Cognito
//     sub, the lower-cased email when there is one, whether Cognito verified it, and the time of
//     the first confirmation). A retried trigger keeps the first timestamp; a forgot-password
//     confirmation (or any other trigger source) writes nothing.
//   - PostAuthentication: at every sign-in it creates the record if it is missing, and sets its
//     email and email_verified from the event's userAttributes (a user who changed their address
//     is mailed at the new one once Cognito verified it, never before), keeping the first
//     timestamp and the user's preferences. Cognito does not run PostConfirmation again when its
//     write fails, so this is also the repair path: the first sign-in after a lost write records
//     the user.
//
// Both are one UpdateItem (an upsert: SET email, email_verified, timestamp if_not_exists): the
// write of package users, which the operator's backfill (internal/tools/backfill) also sends for
// users who signed up before email_verified was recorded.
//
// Cognito waits at most 5 seconds for a trigger, so every call is bounded: the whole DynamoDB
// work has Budget, each HTTP attempt Limits.AttemptTimeout, and the SDK retries at most
// Limits.MaxAttempts times with backoff capped at Limits.MaxBackoff, which all fit inside Budget.
// If DynamoDB still fails, a confirmation returns an error that says so (Cognito reports it to the
// client); a sign-in goes on (see Handler.SignedIn), and the failure is an ERROR log line.
//
// main only wires: it reads the configuration, creates the SDK client once at init, and starts
// the Lambda runtime. The logic is in Handler. Environment (the names are pkg/deploy's):
//
//	USER_TABLE_NAME            the user table (required)
//	LOG_LEVEL                  debug, info, warn or error (default info)
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
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func main() {
	h := lambdalog.MustInit(deploy.UserSignup, newHandler)
	lambda.Start(h.Handle)
}

// newHandler builds the handler from the environment; a misconfiguration is an error, so the
// function fails at init rather than at a user's confirmation.
func newHandler(log *slog.Logger) (*Handler, error) {
	table := os.Getenv(deploy.UserTableVar.Name)
	if table == "" {
		return nil, fmt.Errorf("%s must be set", deploy.UserTableVar.Name)
	}
	cfg, err := awsconfig.FromEnv(Limits)
	if err != nil {
		return nil, err
	}
	users := ddb.NewTable(dynamodb.NewFromConfig(cfg), table, tables.UserSchema)
	return &Handler{Users: users, Log: log, Budget: Budget, Now: time.Now}, nil
}
