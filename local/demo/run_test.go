package demo

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// buildAll builds the three functions and the CLI into a folder, as make demo does (with its
// flags, so that the build cache serves them).
func buildAll(t *testing.T) (buildHost, cli string) {
	t.Helper()
	dir := t.TempDir()
	build := func(out, pkg string, tags ...string) {
		args := append([]string{"build", "-o", out}, tags...)
		cmd := exec.Command("go", append(args, "github.com/trainstatus/trainstatus/"+pkg)...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build %s: %v\n%s", pkg, err, b)
		}
	}
	for _, spec := range deploy.Functions {
		fn := spec.Name
		build(filepath.Join(dir, "host", fn, "bootstrap"), "functions/"+fn, "-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w")
	}
	build(filepath.Join(dir, "trainstatus"), "cmd/trainstatus")
	return filepath.Join(dir, "host"), filepath.Join(dir, "trainstatus")
}

// config is the demo's configuration for a test: the shared DynamoDB Local of `make test` if
// there is one (with tables of its own), else the stack's own.
func config(t *testing.T, buildHost, cli string, out io.Writer) Config {
	s := StackConfig()
	s.BuildHost = buildHost
	if s.DynamoDBEndpoint = os.Getenv(ddbtest.EnvEndpoint); s.DynamoDBEndpoint != "" {
		s.StatusTable, s.UserTable = ddbtest.TableName(t), ddbtest.TableName(t)
	}
	return Config{Stack: s, CLI: cli, Out: out, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}
}

// TestRun runs the whole demo against the real emulators and functions, then runs it again
// with a CLI that fails, which must fail the demo and still tear everything down.
func TestRun(t *testing.T) {
	testenv.Tools(t)
	buildHost, cli := buildAll(t)

	t.Run("passes", func(t *testing.T) {
		var out bytes.Buffer
		if err := Run(context.Background(), config(t, buildHost, cli, &out)); err != nil {
			t.Fatalf("Run: %v\n%s", err, out.String())
		}
		s := out.String()
		if n := strings.Count(s, "\n  ok    "); n != 9 || strings.Contains(s, "FAIL") || !strings.Contains(s, "demo passed") {
			t.Errorf("%d checks passed, want 9 and no failure:\n%s", n, s)
		}
		// Not a terminal: watch writes one line per change, in order, ending with SUCCESS.
		bar := regexp.MustCompile(`(?m)^demo-\S+  \[[#.]{24}\] +(\d+)%  (\S+)`).FindAllStringSubmatch(s, -1)
		if len(bar) < 2 || bar[0][2] != "STARTED" || bar[len(bar)-1][1] != "100" || bar[len(bar)-1][2] != "SUCCESS" {
			t.Errorf("progress lines %q", bar)
		}
		for _, want := range []string{"304 Not Modified", "404 Not Found", "401 Unauthorized", "reason: user_id does not own this request",
			"every child process ended", "no port left bound", "timings: stack "} {
			if !strings.Contains(s, want) {
				t.Errorf("output lacks %q", want)
			}
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
