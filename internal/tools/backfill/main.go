// Command backfill brings the data of an existing deployment up to this version, which writes two
// things that older versions did not, and that a deploy does not add to old data:
//
//   - email_verified on each user's record (the notifier mails only a verified address): written
//     by user-signup at confirmation and at each sign-in, so a user who signed up before and has
//     not signed in since would get no email. The users pass lists the Cognito pool and writes
//     each confirmed user's record with user-signup's own write (package users).
//   - open_shard on each job that is not final, which puts it in the open-jobs index the stall
//     sweep reads: set by the tracker with each event, so a job that went silent before the
//     deploy would never get its stall alert. The jobs pass Scans the status table for such
//     jobs and indexes each one, on the condition that it is still open.
//
// It is idempotent and safe while the system runs: every write is conditional on what it read
// (a sign-in's write or a final event in between wins), and a second run writes nothing.
//
//	backfill -outputs infra/cdk.out/outputs.json [-stack NAME]   the deployed stack (make backfill)
//	backfill -local .cache/localstack/state.json                  the local stack (make backfill-local)
//	backfill -user-pool ID -status-table NAME -user-table NAME    any, by name
//
// -dry-run counts what would be written and writes nothing. It prints a summary (users scanned,
// updated, unchanged; jobs scanned, indexed, ended meanwhile; the errors, each with its key) and
// exits 1 if anything failed (rerun: what is done is not redone), 2 on bad flags. Against AWS it
// uses the default credentials chain (AWS_PROFILE, ...) and needs cognito-idp:ListUsers on the
// pool, dynamodb:GetItem and UpdateItem on the user table, dynamodb:Scan and UpdateItem on the
// status table. Throttling is the SDK's retryer's to absorb (-max-attempts), and pages are
// bounded (-user-page, -job-page).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/internal/localaws"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run parses the flags, wires the clients once, runs the backfill and prints its summary; it
// returns the exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backfill", flag.ContinueOnError)
	fs.SetOutput(stderr)
	outputs := fs.String("outputs", "", "the deployed stack's outputs file (make deploy writes infra/cdk.out/outputs.json)")
	stackName := fs.String("stack", "", "with -outputs: the stack whose outputs to use, when the file holds several stages")
	local := fs.String("local", "", "the local stack's state file (.cache/localstack/state.json)")
	pool := fs.String("user-pool", "", "the Cognito user pool id (overrides the file's)")
	statusTable := fs.String("status-table", "", "the status table's name (overrides the file's)")
	userTable := fs.String("user-table", "", "the user table's name (overrides the file's)")
	dryRun := fs.Bool("dry-run", false, "count what would be written; write nothing")
	maxSilence := fs.Duration("max-silence", DefaultMaxSilence, "index only open jobs heard from within this long (0: all); older ones would get a stall alert that is no longer news")
	userPage := fs.Int("user-page", MaxUserPage, fmt.Sprintf("users per ListUsers call (1-%d)", MaxUserPage))
	jobPage := fs.Int("job-page", DefaultJobPage, fmt.Sprintf("items read per Scan call (1-%d)", MaxJobPage))
	attempts := fs.Int("max-attempts", DefaultAttempts, "attempts of each AWS call, throttled ones included (1-50)")
	verbose := fs.Bool("v", false, "log each record written (or, with -dry-run, to write) on stderr")
	if err := fs.Parse(args); errors.Is(err, flag.ErrHelp) {
		return 0
	} else if err != nil {
		return 2
	}
	usage := func(msg string) int { fmt.Fprintln(stderr, "backfill:", msg); return 2 }
	switch {
	case fs.NArg() > 0:
		return usage(fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	case *outputs != "" && *local != "":
		return usage("give -outputs or -local, not both")
	case *userPage < 1 || *userPage > MaxUserPage:
		return usage(fmt.Sprintf("-user-page must be 1 to %d", MaxUserPage))
	case *jobPage < 1 || *jobPage > MaxJobPage:
		return usage(fmt.Sprintf("-job-page must be 1 to %d", MaxJobPage))
	case *attempts < 1 || *attempts > 50:
		return usage("-max-attempts must be 1 to 50")
	case *maxSilence < 0:
		return usage("-max-silence must not be negative")
	}
	var t Target
	var err error
	switch {
	case *outputs != "":
		t, err = fromOutputs(*outputs, *stackName)
	case *local != "":
		t, err = fromLocal(*local)
	}
	if err == nil {
		t, err = t.override(*pool, *statusTable, *userTable)
	}
	if err != nil {
		return usage(err.Error())
	}
	users, db, err := clients(ctx, t, *attempts)
	if err != nil {
		fmt.Fprintln(stderr, "backfill:", err)
		return 1
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	b := &Backfill{
		Pool: users, PoolID: t.PoolID,
		Users:    ddb.NewTable(db, t.UserTable, tables.UserSchema),
		Jobs:     ddb.NewTable(db, t.StatusTable, tables.StatusSchema),
		Scanner:  db,
		UserPage: int32(*userPage), JobPage: int32(*jobPage),
		DryRun: *dryRun, MaxSilence: *maxSilence,
		Now: time.Now,
		Log: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level})),
	}
	fmt.Fprintf(stdout, "backfill: pool %s, user table %s, status table %s\n", t.PoolID, t.UserTable, t.StatusTable)
	s := b.Run(ctx)
	s.Print(stdout)
	if s.Err() != nil {
		return 1
	}
	return 0
}

// clients makes the Cognito and DynamoDB clients: the local stack's emulators, or AWS through the
// default configuration (credentials chain, region). Either way with the SDK's standard retryer,
// given more attempts than its default 3 and no client-side retry quota: the quota is there to
// fail fast when a service is down, but a backfill throttled for a while should wait and go on,
// not fail its calls at once.
func clients(ctx context.Context, t Target, attempts int) (*cip.Client, *dynamodb.Client, error) {
	retryer := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.MaxBackoff = 20 * time.Second
			o.RateLimiter = ratelimit.None
		})
	}
	if t.Local() {
		c, d := localaws.Config(t.CognitoEndpoint), localaws.Config(t.DynamoDBEndpoint)
		c.Retryer, d.Retryer = retryer, retryer
		return cip.NewFromConfig(c), dynamodb.NewFromConfig(d), nil
	}
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRetryer(retryer))
	if err != nil {
		return nil, nil, fmt.Errorf("load the AWS configuration: %w", err)
	}
	return cip.NewFromConfig(cfg), dynamodb.NewFromConfig(cfg), nil
}
