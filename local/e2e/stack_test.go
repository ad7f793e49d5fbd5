package e2e

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/local/proc"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

// envState names the state file of a running stack the benchmarks measure instead of starting one.
const envState = "TRAINSTATUS_E2E_STATE"

// dynamoDB returns the DynamoDB Local endpoint to use: DDBTEST_ENDPOINT, or one started for this
// test and stopped at its end.
func dynamoDB(t testing.TB) string {
	t.Helper()
	endpoint, stop, err := startDynamoDB()
	if err != nil {
		t.Fatalf("starting DynamoDB Local: %v", err)
	}
	t.Cleanup(func() {
		if err := stop(); err != nil {
			t.Error(err)
		}
	})
	return endpoint
}

// startDynamoDB returns DDBTEST_ENDPOINT, or starts DynamoDB Local; stop stops what was started
// and reports its port if still bound.
func startDynamoDB() (endpoint string, stop func() error, err error) {
	if e := os.Getenv(ddbtest.EnvEndpoint); e != "" {
		return e, func() error { return nil }, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	srv, err := dynamodblocal.Start(ctx)
	if err != nil {
		return "", nil, err
	}
	return srv.Endpoint, func() error {
		srv.Stop()
		if err := proc.CheckFree(strings.TrimPrefix(srv.Endpoint, "http://")); err != nil {
			return fmt.Errorf("after stopping DynamoDB Local: %w", err)
		}
		return nil
	}, nil
}

// uniqueName returns prefix-<random>, for tables shared DynamoDB Local must not mix up.
func uniqueName(prefix string) string {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}

// startStack starts a local stack with cfg's overrides on free ports, the bootstraps built by
// the test and tables of its own. At the end of the test it closes the stack and checks that no
// address it listened on is still bound.
func startStack(t testing.TB, cfg stack.Config) *stack.Stack {
	t.Helper()
	st, err := launch(bootstraps(t), cfg)
	if err != nil {
		t.Fatalf("starting the local stack: %v", err)
	}
	t.Cleanup(func() {
		for _, err := range closeStack(st) {
			t.Errorf("after Close: %v", err)
		}
	})
	return st
}

// launch starts a stack from stack.Ephemeral with the bootstraps in buildHost, tables named for
// this run and cfg's DynamoDB endpoint, user, visibility timeout and batching window (a negative
// window means none).
func launch(buildHost string, cfg stack.Config) (*stack.Stack, error) {
	base := stack.Ephemeral()
	base.BuildHost = buildHost
	base.StatusTable, base.UserTable = uniqueName("e2e-status"), uniqueName("e2e-users")
	base.DynamoDBEndpoint = cfg.DynamoDBEndpoint
	base.User = cfg.User
	base.FunctionEnv = cfg.FunctionEnv
	base.ScheduleEvery = cfg.ScheduleEvery
	if cfg.VisibilityTimeout > 0 {
		base.VisibilityTimeout = cfg.VisibilityTimeout
	}
	switch {
	case cfg.BatchingWindow > 0:
		base.BatchingWindow = cfg.BatchingWindow
	case cfg.BatchingWindow < 0:
		base.BatchingWindow = 0
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	return stack.Start(ctx, log, base)
}

// closeStack closes st and returns an error for each address it listened on that is still bound.
func closeStack(st *stack.Stack) []error {
	st.Close()
	var errs []error
	for _, a := range st.State.Addrs {
		if err := proc.CheckFree(a); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// noLeftovers checks, after every other cleanup of the test (call it first), that no process the
// test started is left.
func noLeftovers(t testing.TB) {
	dir := bootstraps(t)
	t.Cleanup(func() {
		if left := leftovers(dir); len(left) > 0 {
			t.Errorf("processes left behind: %v", left)
		}
	})
}

// leftovers lists the live processes (not zombies) that this test binary started and that are
// still running: its children, and any orphan running a bootstrap from the test's build folder
// (an emulator's child would be re-parented if the emulator died first).
func leftovers(buildDir string) []string {
	self := strconv.Itoa(os.Getpid())
	entries, _ := os.ReadDir("/proc")
	var left []string
	for _, e := range entries {
		pid := e.Name()
		if _, err := strconv.Atoi(pid); err != nil || pid == self {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", pid, "stat"))
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold blanks, so split after its closing parenthesis.
		i := strings.LastIndexByte(string(stat), ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(stat[i+1:]))
		if len(fields) < 2 || fields[0] == "Z" {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join("/proc", pid, "cmdline"))
		cmd := strings.ReplaceAll(string(cmdline), "\x00", " ")
		// An orphan (re-parented to init) running a bootstrap from the folder is ours too; the
		// live emulators of other test binaries sharing the folder (make test builds it once)
		// have their own test process as parent.
		if fields[1] == self || (fields[1] == "1" && buildDir != "" && strings.Contains(cmd, buildDir)) {
			left = append(left, pid+" "+cmd)
		}
	}
	return left
}
