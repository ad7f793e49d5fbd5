// Command localstack runs the local stack (package local/stack) until SIGINT or SIGTERM, then
// stops every child process. It binds only 127.0.0.1. Once ready it writes the state file
// (endpoints, user pool and client ids) and prints the endpoints.
//
//	localstack [-state .cache/localstack/state.json] [flags]   run the stack
//	localstack -print-state FILE                                 print a running stack's endpoints
//	localstack -check-free FILE                                  fail if its process or ports remain
package main

import (
	"context"
	"flag"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	d := stack.Defaults()
	fs := flag.NewFlagSet("localstack", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var cfg stack.Config
	fs.StringVar(&cfg.StateFile, "state", "", "write the state (endpoints, pool and client ids) to this JSON file once ready")
	fs.StringVar(&cfg.WorkDir, "workdir", "", "folder for cognito-local's data (default: beside the state file, else temporary)")
	fs.StringVar(&cfg.BuildHost, "build-host", "", "folder of <function>/bootstrap (default build/host)")
	fs.StringVar(&cfg.LambdaAddr, "lambda-addr", d.LambdaAddr, "Lambda Invoke API address")
	fs.StringVar(&cfg.HTTPAddr, "http-addr", d.HTTPAddr, "HTTP API address")
	fs.StringVar(&cfg.SQSAddr, "sqs-addr", d.SQSAddr, "fauxqs address")
	fs.StringVar(&cfg.CognitoAddr, "cognito-addr", d.CognitoAddr, "cognito-local address")
	fs.StringVar(&cfg.SESAddr, "ses-addr", d.SESAddr, "aws-ses-v2-local (SES) address")
	fs.StringVar(&cfg.ReceiverAddr, "receiver-addr", d.ReceiverAddr, "Slack and webhook alert receiver address")
	fs.StringVar(&cfg.DynamoDBEndpoint, "dynamodb-endpoint", os.Getenv(ddbtest.EnvEndpoint), "running DynamoDB Local (default $"+ddbtest.EnvEndpoint+"; empty: start one)")
	fs.DurationVar(&cfg.VisibilityTimeout, "visibility-timeout", 0, "events queue visibility timeout (default: as infra/, 6 x status-updater's timeout + the batching window)")
	fs.IntVar(&cfg.MaxReceiveCount, "max-receive-count", d.MaxReceiveCount, "receives before dead-lettering")
	fs.IntVar(&cfg.BatchSize, "batch-size", d.BatchSize, "event source batch size (1-10)")
	fs.DurationVar(&cfg.BatchingWindow, "batching-window", d.BatchingWindow, "event source batching window")
	fs.IntVar(&cfg.UpdaterConcurrency, "updater-concurrency", d.UpdaterConcurrency, "status-updater emulators and pollers")
	fs.IntVar(&cfg.QueryConcurrency, "query-concurrency", d.QueryConcurrency, "status-query emulators")
	fs.DurationVar(&cfg.ScheduleEvery, "schedule-every", 0, "run the scheduled functions (the stall sweep) at this period (default: deploy's, one minute)")
	fs.StringVar(&cfg.LogLevel, "function-log-level", d.LogLevel, "the functions' LOG_LEVEL")
	fs.StringVar(&cfg.User, "user", "", "sign up, confirm and log in this email once ready; its tokens go in the state file")
	fs.StringVar(&cfg.UserPassword, "password", stack.DefaultPassword, "password of -user")
	printState := fs.String("print-state", "", "print the endpoints of the stack whose state file this is, and exit")
	checkFree := fs.String("check-free", "", "exit 1 if the process or an address of this state file is still alive")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	switch {
	case *printState != "":
		return printEndpoints(*printState, stdout, stderr)
	case *checkFree != "":
		return checkStopped(*checkFree, stderr)
	}
	if cfg.WorkDir == "" && cfg.StateFile != "" {
		cfg.WorkDir = filepath.Dir(cfg.StateFile)
	}

	log := slog.New(slog.NewJSONHandler(stderr, nil))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, err := stack.Start(ctx, log, cfg)
	if err != nil {
		log.Error("local stack failed to start", "err", err)
		return 1
	}
	writeEndpoints(stdout, st.State, time.Now())
	<-ctx.Done()
	log.Info("stopping local stack")
	st.Close()
	log.Info("local stack stopped")
	return 0
}
