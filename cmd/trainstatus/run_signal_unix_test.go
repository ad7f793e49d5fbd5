//go:build unix

package main

import (
	"bufio"
	"cmp"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
)

var (
	buildOnce sync.Once
	builtCLI  string
	buildErr  error
)

// cliBinary builds this command once for the tests that need a process of their own (signals
// are sent to it).
func cliBinary(t *testing.T) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "trainstatus-cli-")
		if err != nil {
			buildErr = err
			return
		}
		builtCLI = filepath.Join(dir, "trainstatus")
		out, err := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", builtCLI, ".").CombinedOutput()
		if err != nil {
			buildErr = errors.New(string(out))
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return builtCLI
}

// TestRunSignals runs `trainstatus run` as its own process around a child that says it is ready
// on stdout, then signals one of them, and checks the exit status (a shell's: 128+n for a death
// by signal n) and the last event: FAILED, or with --fail-on-sigterm=false after a SIGTERM, the
// job left open (IN_PROGRESS) for a resumed run to continue.
func TestRunSignals(t *testing.T) {
	bin := cliBinary(t)
	tests := []struct {
		name      string
		mode      string
		flags     []string // run's, besides --job-id
		signal    func(t *testing.T, wrapper, child int)
		wantCode  int
		wantLast  string   // the last event's status; "" is FAILED
		wantError []string // in the FAILED event's error
		wantText  []string // in the last event's message
	}{
		{name: "SIGTERM to run is forwarded: the child's handler runs and its status is returned", mode: "trap",
			signal:   func(t *testing.T, wrapper, _ int) { kill(t, wrapper, syscall.SIGTERM) },
			wantCode: 7, wantError: []string{"exit status 7 after ", "\ncaught SIGTERM"}},
		{name: "SIGTERM to run is forwarded: a child without a handler dies of it, 143", mode: "block",
			signal:   func(t *testing.T, wrapper, _ int) { kill(t, wrapper, syscall.SIGTERM) },
			wantCode: 128 + int(syscall.SIGTERM), wantError: []string{"killed by signal SIGTERM after "}},
		{name: "SIGHUP to run is forwarded", mode: "block",
			signal:   func(t *testing.T, wrapper, _ int) { kill(t, wrapper, syscall.SIGHUP) },
			wantCode: 128 + int(syscall.SIGHUP), wantError: []string{"killed by signal SIGHUP after "}},
		{name: "SIGINT to run, not from a terminal, is forwarded", mode: "block",
			signal:   func(t *testing.T, wrapper, _ int) { kill(t, wrapper, syscall.SIGINT) },
			wantCode: 128 + int(syscall.SIGINT), wantError: []string{"killed by signal SIGINT after "}},
		{name: "the child SIGKILLed: 137, FAILED", mode: "block",
			signal:   func(t *testing.T, _, child int) { kill(t, child, syscall.SIGKILL) },
			wantCode: 128 + int(syscall.SIGKILL), wantError: []string{"killed by signal SIGKILL after "}},
		{name: "--fail-on-sigterm=false: pre-empted by SIGTERM, the job is left open", mode: "block", flags: []string{"--fail-on-sigterm=false"},
			signal:   func(t *testing.T, wrapper, _ int) { kill(t, wrapper, syscall.SIGTERM) },
			wantCode: 128 + int(syscall.SIGTERM), wantLast: "IN_PROGRESS",
			wantText: []string{"pre-empted: killed by signal SIGTERM after ", "; left open to be continued"}},
		{name: "--fail-on-sigterm=false: the child's handler exits 7 on SIGTERM, still left open", mode: "trap", flags: []string{"--fail-on-sigterm=false"},
			signal:   func(t *testing.T, wrapper, _ int) { kill(t, wrapper, syscall.SIGTERM) },
			wantCode: 7, wantLast: "IN_PROGRESS", wantText: []string{"pre-empted: exit status 7 after "}},
		{name: "--fail-on-sigterm=false: no SIGTERM (the child SIGKILLed), FAILED as ever", mode: "block", flags: []string{"--fail-on-sigterm=false"},
			signal:   func(t *testing.T, _, child int) { kill(t, child, syscall.SIGKILL) },
			wantCode: 128 + int(syscall.SIGKILL), wantError: []string{"killed by signal SIGKILL after "}},
		{name: "--fail-on-sigterm=false: SIGHUP is not a pre-emption, FAILED", mode: "block", flags: []string{"--fail-on-sigterm=false"},
			signal:   func(t *testing.T, wrapper, _ int) { kill(t, wrapper, syscall.SIGHUP) },
			wantCode: 128 + int(syscall.SIGHUP), wantError: []string{"killed by signal SIGHUP after "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newIngestFake(t)
			args := append(append([]string{"run", "--job-id", "sig-1"}, tt.flags...), "--", os.Args[0], tt.mode)
			cmd := exec.Command(bin, args...)
			cmd.Env = append(os.Environ(), envChild+"=1", EnvAPIURL+"="+srv.URL, EnvReportingToken+"="+testToken,
				EnvConfigHome+"="+t.TempDir())
			stdout, err := cmd.StdoutPipe()
			if err != nil {
				t.Fatal(err)
			}
			var stderr strings.Builder
			cmd.Stderr = &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			line, err := bufio.NewReader(stdout).ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "ready") {
				cmd.Process.Kill()
				cmd.Wait()
				t.Fatalf("child said %q (%v); stderr: %s", line, err, stderr.String())
			}
			child := 0
			if f := strings.Fields(line); len(f) == 2 {
				child, _ = strconv.Atoi(f[1])
			}
			tt.signal(t, cmd.Process.Pid, child)
			err = cmd.Wait()
			var ee *exec.ExitError
			code := 0
			if errors.As(err, &ee) {
				code = ee.ExitCode()
			} else if err != nil {
				t.Fatal(err)
			}
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr: %s", code, tt.wantCode, stderr.String())
			}
			evs := fake.got()
			last := cmp.Or(tt.wantLast, "FAILED")
			if statuses(evs) != "STARTED "+last {
				t.Fatalf("accepted %q, want STARTED %s; stderr: %s", statuses(evs), last, stderr.String())
			}
			for _, want := range tt.wantError {
				if !strings.Contains(evs[1].Error, want) {
					t.Errorf("error %q does not contain %q", evs[1].Error, want)
				}
			}
			for _, want := range tt.wantText {
				if !strings.Contains(evs[1].Message, want) {
					t.Errorf("message %q does not contain %q", evs[1].Message, want)
				}
			}
			if left := strings.Contains(stderr.String(), "left open"); left != (last == "IN_PROGRESS") {
				t.Errorf("stderr says the job is left open: %v, want %v: %s", left, last == "IN_PROGRESS", stderr.String())
			}
		})
	}
}

func kill(t *testing.T, pid int, sig syscall.Signal) {
	t.Helper()
	if pid <= 0 {
		t.Fatalf("no pid to send %v to", sig)
	}
	if err := syscall.Kill(pid, sig); err != nil {
		t.Fatal(err)
	}
}
