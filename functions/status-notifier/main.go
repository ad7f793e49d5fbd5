// Command status-notifier e-mails a job's owner when the job ends. It reads the status table's
// change feed (DynamoDB Streams, new and old images) through an event source mapping whose filters
// pass only records that can be a job's transition into SUCCESS or FAILED; for each such record it
// reads the owner's email and preference from the user table (one GetItem), sends one email
// through SES v2 (plain text and HTML: the outcome, the final message or error, the stage times
// and a link to the job's page), and then records notified_at on the job with a conditional
// write, so that a redelivered record sends nothing more.
//
// At most one email per job in the normal path; a crash between the send and the mark may repeat
// one, never lose one (the README says why that is the right way round).
//
// main only wires: it reads the configuration, creates the DynamoDB and SES v2 clients once at
// init, and starts the Lambda runtime. The logic is in Handler. Environment:
//
//	STATUS_TABLE_NAME    the status table (required)
//	USER_TABLE_NAME      the user table (required)
//	NOTIFICATION_SENDER  the From address, an SES-verified identity (required)
//	TRACKER_URL          the tracker page's base URL; a job's link is TRACKER_URL/jobs/{request_id} (required)
//	LOG_LEVEL            debug, info, warn or error (default info)
//	ALERTS_ALLOW_LOCAL   "true" only in the local stack: Slack and webhook alerts may go to
//	                     http:// and loopback (its receiver); never set when deployed
//	AWS_ENDPOINT_URL[_DYNAMODB|_SESV2]  the SDK's standard endpoint settings (local stack)
package main

import (
	"fmt"
	"log/slog"
	"net/mail"
	"net/url"
	"os"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Limits bound each SDK call: a record's work (three calls) fits well inside the function's
// timeout even when each is retried.
var Limits = awsconfig.Limits{AttemptTimeout: 3 * time.Second, MaxAttempts: 3, MaxBackoff: 500 * time.Millisecond}

func main() {
	h := lambdalog.MustInit(deploy.StatusNotifier, newHandler)
	lambda.Start(h.Handle)
}

func newHandler(log *slog.Logger) (*Handler, error) {
	env, err := readEnv()
	if err != nil {
		return nil, err
	}
	cfg, err := awsconfig.FromEnv(Limits)
	if err != nil {
		return nil, err
	}
	client := dynamodb.NewFromConfig(cfg)
	return &Handler{
		Jobs:   ddb.NewTable(client, env[deploy.StatusTableVar.Name], tables.StatusSchema),
		Users:  ddb.NewTable(client, env[deploy.UserTableVar.Name], tables.UserSchema),
		Mailer: SES{Client: sesv2.NewFromConfig(cfg), From: env[deploy.NotificationSenderVar.Name]},
		// ALERTS_ALLOW_LOCAL is the local stack's alone (its receiver on 127.0.0.1): infra never
		// sets it, so deployed alerts go over HTTPS to public addresses only.
		Poster:  alerts.NewClient(os.Getenv(alerts.AllowLocalVar) == "true"),
		Limiter: alerts.DefaultLimiter(),
		Page:    env[deploy.TrackerURLVar.Name],
		Log:     log,
		Metrics: emf.New(os.Stdout, emf.Namespace, emf.FunctionName(deploy.StatusNotifier)),
		Now:     time.Now,
	}, nil
}

// readEnv reads and checks every variable pkg/deploy gives the function.
func readEnv() (map[string]string, error) {
	env := map[string]string{}
	for _, v := range deploy.StatusNotifierFunction.Env {
		env[v.Name] = os.Getenv(v.Name)
		if env[v.Name] == "" && !v.IsSetting() {
			return nil, fmt.Errorf("%s must be set", v.Name)
		}
	}
	if _, err := mail.ParseAddress(env[deploy.NotificationSenderVar.Name]); err != nil {
		return nil, fmt.Errorf("%s: %w", deploy.NotificationSenderVar.Name, err)
	}
	if u, err := url.Parse(env[deploy.TrackerURLVar.Name]); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return nil, fmt.Errorf("%s=%q: want an http(s) URL", deploy.TrackerURLVar.Name, env[deploy.TrackerURLVar.Name])
	}
	return env, nil
}
