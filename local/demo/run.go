package demo

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// ErrFailed is returned by Run when an expectation of the report failed.
var ErrFailed = errors.New("demo: some checks failed")

// demo is one run.
type demo struct {
	cfg      Config
	out      io.Writer
	st       *stack.Stack
	outcomes *outcomes
	phases   []phase
	failures int
}

type phase struct {
	name string
	took time.Duration
}

// Run runs the demo and tears everything down, whatever happens. It returns ErrFailed (wrapped)
// if a check failed, or the error that stopped it.
func Run(ctx context.Context, cfg Config) error {
	cfg = cfg.withDefaults()
	// The stack signs the owner up (the real PostConfirmation trigger) and makes her a reporting
	// token, as `make up` does for its demo user; both are in its state.
	cfg.Stack.User = cfg.Owner
	d := &demo{cfg: cfg, out: cfg.Out, outcomes: newOutcomes()}
	if cfg.Prepared > 0 {
		d.phases = append(d.phases, phase{"install + build", cfg.Prepared})
	}
	begin := time.Now()
	err := d.run(ctx)
	if err != nil && ctx.Err() != nil {
		err = fmt.Errorf("interrupted: %w", ctx.Err())
	}
	if err != nil {
		fmt.Fprintf(d.out, "\nFAILED: %v\n", err)
	}
	d.timed("teardown", d.teardown)
	d.printTimings(time.Since(begin))
	if err == nil && d.failures > 0 {
		err = fmt.Errorf("%w (%d)", ErrFailed, d.failures)
	}
	if err == nil {
		fmt.Fprintln(d.out, "demo passed: every check above holds")
	}
	return err
}

func (d *demo) run(ctx context.Context) error {
	d.section(fmt.Sprintf("starting the local stack: DynamoDB Local (with the status table's stream), fauxqs (SQS), cognito-local, "+
		"aws-ses-v2-local (SES), the %d functions under the Lambda emulator, the HTTP API with the tracker page", len(deploy.Functions)))
	if err := d.timedErr("stack", func() error { return d.startStack(ctx) }); err != nil {
		return err
	}
	s := d.st.State
	pool := cognito.Pool{ID: s.UserPoolID, ClientID: s.ClientID, Issuer: s.Issuer, JWKSURL: s.JWKSURL}

	d.section(fmt.Sprintf("the stack signed up %s (confirming ran the PostConfirmation trigger, user-signup), logged in, and made a reporting token", d.cfg.Owner))
	if s.User == nil || s.ReportingToken == "" {
		return fmt.Errorf("the stack's state has no user or reporting token for %s", d.cfg.Owner)
	}
	owner, sub := *s.User, s.User.Sub
	d.printf("    user %s, sub %s, ID token of %d bytes, reporting token %s...\n", owner.Email, sub, len(owner.IDToken), s.ReportingToken[:8])

	configHome, err := os.MkdirTemp("", "trainstatus-demo-config-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(configHome)
	c := newCLI(d.cfg.CLI, s, owner.IDToken, configHome)

	var j jobRun
	if err := d.timedErr("training job", func() (err error) { j, err = d.runJob(ctx, c, s.HTTPEndpoint, owner.IDToken, sub); return err }); err != nil {
		return err
	}

	// Before the rest, so that its stall window runs while the rest of the demo does.
	d.section(fmt.Sprintf("a job that dies without a word: `trainstatus run` and its command SIGKILLed together, %s's stall alerts to email, Slack and a webhook", owner.Email))
	var sj stalledJob
	if err := d.timedErr("stalled job", func() (err error) { sj, err = d.startStalled(ctx, c, s.ReportingToken, owner); return err }); err != nil {
		return err
	}

	d.section(fmt.Sprintf("two commands wrapped by `trainstatus run` with %s's reporting token (POST /v1/events, no AWS credentials)", owner.Email))
	var tj tokenJob
	if err := d.timedErr("trainstatus run", func() (err error) { tj, err = d.runWithToken(ctx, c, s.ReportingToken, owner); return err }); err != nil {
		return err
	}

	d.section("report")
	if err := d.timedErr("report", func() error { return d.report(ctx, c, pool, owner, sub, j, tj) }); err != nil {
		return err
	}

	d.section(fmt.Sprintf("the stall sweep's alert about %s (its window: %s of silence)", sj.id, stallRunWindow))
	d.timed("stall alert", func() { d.checkStalled(ctx, sj) })

	d.section("the tracker page")
	d.timed("page screenshot", func() { d.screenshot(ctx, owner, j) })
	return nil
}

// startStack starts the stack, its log going to cfg.Log and to the outcome counter.
func (d *demo) startStack(ctx context.Context) error {
	log := d.cfg.Log
	if log == nil {
		log = slog.New(slog.NewJSONHandler(io.Discard, nil))
	}
	st, err := stack.Start(ctx, withOutcomes(log.Handler(), d.outcomes), d.cfg.Stack)
	if err != nil {
		return fmt.Errorf("starting the local stack: %w", err)
	}
	d.st = st
	s := st.State
	d.printf("    HTTP API and page %s · SQS %s · Cognito %s · DynamoDB %s · SES %s\n", s.HTTPEndpoint, s.SQSEndpoint, s.CognitoEndpoint, s.DynamoDBEndpoint, s.SESEndpoint)
	d.printf("    tables %s, %s · queue %s with its dead-letter queue · user pool %s\n", s.StatusTable, s.UserTable, lastPart(s.QueueURL), s.UserPoolID)
	return nil
}

func (d *demo) section(title string) { fmt.Fprintf(d.out, "==> %s\n", title) }

func (d *demo) printf(format string, args ...any) { fmt.Fprintf(d.out, format, args...) }

// check prints one expectation of the report and counts it if it failed.
func (d *demo) check(name string, err error, detail string) {
	if err != nil {
		d.failures++
		fmt.Fprintf(d.out, "  FAIL  %s: %v\n", name, err)
		return
	}
	fmt.Fprintf(d.out, "  ok    %s: %s\n", name, detail)
}

func (d *demo) timed(name string, f func()) {
	start := time.Now()
	f()
	d.phases = append(d.phases, phase{name, time.Since(start)})
}

func (d *demo) timedErr(name string, f func() error) (err error) {
	d.timed(name, func() { err = f() })
	return err
}

func (d *demo) printTimings(total time.Duration) {
	parts := make([]string, 0, len(d.phases)+1)
	for _, p := range d.phases {
		parts = append(parts, fmt.Sprintf("%s %.1fs", p.name, p.took.Seconds()))
	}
	parts = append(parts, fmt.Sprintf("total after install %.1fs", total.Seconds()))
	fmt.Fprintf(d.out, "timings: %s\n", strings.Join(parts, " · "))
}

func lastPart(u string) string { return u[strings.LastIndexByte(u, '/')+1:] }
