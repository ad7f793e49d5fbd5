package demo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/local/browsertest"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

// TestMain removes the bootstraps testenv built (when TRAINSTATUS_BUILD_HOST is not set).
func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// config is the demo's configuration for a test: the shared DynamoDB Local of `make test` if
// there is one (with tables of its own), else the stack's own; the screenshot in a temporary
// folder.
func config(t *testing.T, buildHost, cli string, out io.Writer) Config {
	s := StackConfig()
	s.BuildHost = buildHost
	if s.DynamoDBEndpoint = os.Getenv(ddbtest.EnvEndpoint); s.DynamoDBEndpoint != "" {
		s.StatusTable, s.UserTable = ddbtest.TableName(t), ddbtest.TableName(t)
	}
	return Config{Stack: s, CLI: cli, Out: out, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Screenshot: filepath.Join(t.TempDir(), "job-page.png")}
}

// TestRun runs the whole demo against the real emulators, functions and browser, then runs it
// again with a CLI that fails, which must fail the demo and still tear everything down. The
// bootstraps are $TRAINSTATUS_BUILD_HOST's when `make test` built them, else built here.
func TestRun(t *testing.T) {
	testenv.Tools(t)
	if _, err := browsertest.Chromium(); err != nil {
		t.Fatal(err)
	}
	buildHost, cli := testenv.Bootstraps(t), testenv.CLI(t)

	t.Run("passes", func(t *testing.T) {
		var out bytes.Buffer
		cfg := config(t, buildHost, cli, &out)
		if err := Run(context.Background(), cfg); err != nil {
			t.Fatalf("Run: %v\n%s", err, out.String())
		}
		s := out.String()
		if n := strings.Count(s, "\n  ok    "); n != 22 || strings.Contains(s, "  FAIL  ") || !strings.Contains(s, "demo passed") {
			t.Errorf("%d checks passed, want 22 and no failure:\n%s", n, s)
		}
		// Not a terminal: watch writes one line per change, in order, ending with SUCCESS.
		bar := regexp.MustCompile(`(?m)^demo-\S+  \[[#.]{24}\] +(\d+)%  (\S+)`).FindAllStringSubmatch(s, -1)
		if len(bar) < 2 || bar[0][2] != "STARTED" || bar[len(bar)-1][1] != "100" || bar[len(bar)-1][2] != "SUCCESS" {
			t.Errorf("progress lines %q", bar)
		}
		id := regexp.MustCompile(`training job (demo-\S+),`).FindStringSubmatch(s)
		if id == nil {
			t.Fatalf("no job id in the output:\n%s", s)
		}
		for _, want := range []string{"304 Not Modified", "404 Not Found", "401 Unauthorized",
			"reason: " + tracker.ErrExpiredEvent.Error(), "expired 1",
			"subject: " + id[1] + " succeeded in ", "to:      ada@example.com\n", "link:    http://127.0.0.1:",
			"/jobs/" + id[1] + "\n", "runs his own " + id[1] + " (the same request_id)", `"status":"IN_PROGRESS","timestamp":`,
			"ada@example.com still sees her own " + id[1] + ": 304 Not Modified",
			"screenshot (1280x", "every child process ended", "no port left bound", "timings: stack ",
			"ok    `trainstatus run -- sh -c ...` with ada@example.com's reporting token: fine-tune-bert-trainstatus-run-",
			`"name":"fine-tune bert (trainstatus run)"`, `"status":"SUCCESS"`,
			"ok    a failing command through `trainstatus run`: exit status 3 kept, FAILED with its stderr tail",
			`exit status 3 after `, "ok    a command killed by SIGKILL: status 137, as a shell says", `"error":"killed by signal SIGKILL after `,
			"ok    SIGTERM to `trainstatus run` (a scheduler's cancel) is forwarded: status 143", `"error":"killed by signal SIGTERM after `, `\nTraceback (most recent call last):\nRuntimeError: CUDA out of memory"`,
			"ok    bob@example.com creates a reporting token with `trainstatus token create`: tsk_",
			"ok    bob@example.com's token naming ada@example.com: refused by POST /v1/events: trainstatus: send: 1 of 1 events not sent (FAILED): refused: user_id: must be the token's owner or absent",
			"'s is unchanged: his job FAILED in his list; hers 304 Not Modified",
			"ok    `trainstatus run --stall-after 1m0s -- sleep 600` listed, then its process group SIGKILLed: stalled-",
			"ok    the killed job alerted as stalled by email, Slack and webhook, once each (stall sweep, status-notifier): ",
			"webhook: job.stalled, signature verified", "Slack, as shown:\n", "has not reported since "} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q", want)
			}
		}
		if w, _, err := pngSize(cfg.Screenshot); err != nil || w != screenWidth {
			t.Errorf("screenshot: %d px wide, %v", w, err)
		}
	})

	t.Run("a failing CLI fails the demo, which still tears down", func(t *testing.T) {
		failing := filepath.Join(t.TempDir(), "trainstatus")
		if err := os.WriteFile(failing, []byte("#!/bin/sh\necho 'queue unreachable' >&2\nexit 1\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		err := Run(context.Background(), config(t, buildHost, failing, &out))
		s := out.String()
		if err == nil || errors.Is(err, ErrFailed) || !strings.Contains(err.Error(), "trainstatus send: exit status 1: queue unreachable") {
			t.Errorf("Run = %v, want the failed send\n%s", err, s)
		}
		if !strings.Contains(s, "ok    every child process ended") || !strings.Contains(s, "ok    no port left bound") || strings.Contains(s, "demo passed") {
			t.Errorf("output:\n%s", s)
		}
	})
}
