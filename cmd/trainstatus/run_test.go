package main

import (
	"io"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// wrap is the command line of run around the test binary as a child (child_test.go).
func wrap(flags []string, mode ...string) []string {
	return append(append(append([]string{"run"}, flags...), "--", os.Args[0]), mode...)
}

func TestRun(t *testing.T) {
	t.Setenv(envChild, "1")
	tests := []struct {
		name   string
		script []fault
		down   bool // the endpoint is not listening
		noAuth bool // the configured token is not the endpoint's
		flags  []string
		mode   []string
		vars   map[string]string

		wantCode     int
		wantStatuses string // the accepted events' statuses, in order
		wantStdout   string // exact
		check        func(t *testing.T, evs []trainevent.Event)
		wantStderr   []string // each a substring of stderr
		wantNoReport bool     // stderr has no "could not report" line
	}{
		{name: "success", mode: []string{"exit", "0"}, flags: []string{"--name", "resnet50 lr=0.1"},
			wantStatuses: "STARTED SUCCESS", wantStdout: "out\n", wantNoReport: true,
			wantStderr: []string{"RuntimeError: CUDA out of memory", "reporting job resnet50-lr-0.1-"},
			check: func(t *testing.T, evs []trainevent.Event) {
				if evs[0].Name != "resnet50 lr=0.1" || evs[1].Name != "resnet50 lr=0.1" || !regexp.MustCompile(`^resnet50-lr-0\.1-\d{8}-\d{6}-[0-9a-f]{6}$`).MatchString(evs[0].RequestID) ||
					evs[1].RequestID != evs[0].RequestID || evs[1].Seq <= evs[0].Seq || evs[0].UserID != sub || !strings.HasPrefix(evs[0].Message, "running on ") ||
					!strings.HasPrefix(evs[1].Message, "exit status 0 after ") || evs[1].Progress != nil {
					t.Errorf("events %+v", evs)
				}
			}},
		{name: "failure: exit status and the stderr tail, escapes removed; stderr passed through unchanged",
			mode: []string{"exit", "3"}, wantCode: 3, wantStatuses: "STARTED FAILED", wantStdout: "out\n", wantNoReport: true,
			wantStderr: []string{"\x1b[31mRuntimeError: CUDA out of memory\x1b[0m\n"},
			check: func(t *testing.T, evs []trainevent.Event) {
				want := "\nTraceback (most recent call last):\nRuntimeError: CUDA out of memory"
				if e := evs[1].Error; !strings.HasPrefix(e, "exit status 3 after ") || !strings.HasSuffix(e, want) {
					t.Errorf("error %q", e)
				}
			}},
		{name: "a long stderr: the last lines, within the format's 4096 bytes", mode: []string{"flood", "5000"}, wantCode: 1,
			wantStatuses: "STARTED FAILED", wantNoReport: true,
			check: func(t *testing.T, evs []trainevent.Event) {
				e := evs[1].Error
				lines := strings.Split(e, "\n")
				if len(e) > trainevent.MaxErrorLen || len(lines) != 1+stderrTailLines || !strings.HasPrefix(lines[1], "line 04980 ") || !strings.HasPrefix(lines[20], "line 04999 ") {
					t.Errorf("%d bytes, %d lines: %q", len(e), len(lines), e)
				}
			}},
		{name: "progress from stdout by the user's pattern", mode: []string{"progress-stdout"},
			flags: []string{"--progress-regex", `\((\d+)%\)`}, wantStatuses: "STARTED IN_PROGRESS SUCCESS", wantStdout: "step 5/10 (50%)\n",
			check: func(t *testing.T, evs []trainevent.Event) {
				if p := evs[1].Progress; p == nil || *p != 50 || evs[1].Message != "step 5/10 (50%)" {
					t.Errorf("progress event %+v", evs[1])
				}
			}},
		{name: "progress from a bar on stderr by the user's pattern", mode: []string{"progress"},
			flags: []string{"--progress-regex", `(\d+(?:\.\d+)?)%`}, wantStatuses: "STARTED IN_PROGRESS SUCCESS", wantStdout: "done\n",
			wantStderr: []string{"epoch 1 10%\repoch 2 55.5%\r"},
			check: func(t *testing.T, evs []trainevent.Event) {
				// The second report came within minProgressInterval of the first: it is not sent
				// alone, and the final event carries it.
				if p := evs[1].Progress; p == nil || *p != 10 || evs[1].Message != "epoch 1 10%" {
					t.Errorf("progress event %+v", evs[1])
				}
				if p := evs[2].Progress; p == nil || *p != 55.5 {
					t.Errorf("final event %+v", evs[2])
				}
			}},
		{name: "the job id from the environment continues a job, and the command sees it",
			vars: map[string]string{EnvJobID: "resumed-job-7"}, mode: []string{"env"},
			wantStatuses: "STARTED SUCCESS", wantStdout: "resumed-job-7\n",
			check: func(t *testing.T, evs []trainevent.Event) {
				if evs[0].RequestID != "resumed-job-7" || evs[0].Name != os.Args[0]+" env" {
					t.Errorf("events %+v", evs)
				}
			}},
		{name: "--job-id and --stall-after", flags: []string{"--job-id", "j-1", "--stall-after", "30m"}, mode: []string{"exit", "0"},
			wantStatuses: "STARTED SUCCESS",
			check: func(t *testing.T, evs []trainevent.Event) {
				if evs[1].RequestID != "j-1" || evs[0].StallAfter.Minutes() != 30 || evs[1].StallAfter.Minutes() != 30 {
					t.Errorf("events %+v", evs)
				}
			}},
		{name: "5xx twice: retried, nothing lost", script: []fault{fault500, fault500}, mode: []string{"exit", "2"},
			wantCode: 2, wantStatuses: "STARTED FAILED", wantNoReport: true},
		{name: "429: retried after Retry-After", script: []fault{fault429, fault429}, mode: []string{"exit", "0"},
			wantStatuses: "STARTED SUCCESS", wantNoReport: true},
		{name: "503 with an event to resend: only that one resent", script: []fault{fault503Head}, mode: []string{"exit", "0"},
			wantNoReport: true,
			check: func(t *testing.T, evs []trainevent.Event) {
				if got := statuses(evs); got != "STARTED SUCCESS" && got != "SUCCESS STARTED" {
					t.Errorf("accepted %q", got)
				}
			}},
		{name: "endpoint down: the command runs and exits the same, one line says what was not sent", down: true,
			mode: []string{"exit", "4"}, flags: []string{"--flush-timeout", "300ms"}, wantCode: 4, wantStdout: "out\n",
			wantStderr: []string{"could not report job ", "2 of 2 events not sent (STARTED, FAILED): not sent or not confirmed within 300ms", "connection refused"}},
		{name: "endpoint slow: the exit waits the flush timeout at most", script: []fault{faultSlow, faultSlow, faultSlow, faultSlow, faultSlow, faultSlow},
			mode: []string{"exit", "0"}, flags: []string{"--flush-timeout", "200ms"},
			wantStderr: []string{"2 of 2 events not sent (STARTED, SUCCESS): not sent or not confirmed within 200ms"}},
		{name: "token refused: nothing more is tried, the command's status is kept", noAuth: true, mode: []string{"exit", "5"}, wantCode: 5,
			wantStderr: []string{"2 of 2 events not sent (STARTED, FAILED): 401: the API refused the reporting token"}},
		{name: "events refused by the endpoint are said", script: []fault{faultRefuse, faultRefuse}, mode: []string{"exit", "0"},
			wantStderr: []string{"2 of 2 events not sent (STARTED, SUCCESS): refused: progress: scripted refusal"}},
		{name: "a command that does not exist: 127, reported FAILED", mode: nil, flags: []string{"--job-id", "nope"},
			wantCode: exitNotFound, wantStatuses: "FAILED", wantStderr: []string{"executable file not found"},
			check: func(t *testing.T, evs []trainevent.Event) {
				if !strings.HasPrefix(evs[0].Error, "could not start: ") {
					t.Errorf("error %q", evs[0].Error)
				}
			}},
		{name: "a name with a control character is refused before anything runs", flags: []string{"--name", "a\tb"}, mode: []string{"exit", "0"},
			wantCode: 2, wantStderr: []string{"name: must not contain control characters"}},
		{name: "a heartbeat longer than the stall window is refused", flags: []string{"--stall-after", "2m", "--heartbeat", "5m"}, mode: []string{"exit", "0"},
			wantCode: 2, wantStderr: []string{"--heartbeat (5m0s) must be shorter than --stall-after (2m0s)"}},
		{name: "a heartbeat longer than the default stall window is refused", flags: []string{"--heartbeat", "20m"}, mode: []string{"exit", "0"},
			wantCode: 2, wantStderr: []string{"--heartbeat (20m0s) must be shorter than the default stall window (15m0s)"}},
		{name: "a pattern without a group is refused", flags: []string{"--progress-regex", `\d+%`}, mode: []string{"exit", "0"},
			wantCode: 2, wantStderr: []string{"has no capture group"}},
		{name: "a bad job id is refused", flags: []string{"--job-id", "a b"}, mode: []string{"exit", "0"},
			wantCode: 2, wantStderr: []string{"request_id:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake, srv := newIngestFake(t, tt.script...)
			url := srv.URL
			if tt.down {
				srv.Close()
			}
			token := testToken
			if tt.noAuth {
				token = "tsk_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz"
			}
			vars := map[string]string{EnvAPIURL: url, EnvReportingToken: token}
			for k, v := range tt.vars {
				vars[k] = v
			}
			args := wrap(tt.flags, tt.mode...)
			if tt.mode == nil {
				args = append(args[:len(args)-1], "trainstatus-no-such-command")
			}
			r := cli(t, nil, vars, "", args...)
			if r.code != tt.wantCode {
				t.Fatalf("exit %d, want %d; stderr:\n%s", r.code, tt.wantCode, r.stderr)
			}
			for _, want := range tt.wantStderr {
				if !strings.Contains(r.stderr, want) {
					t.Errorf("stderr does not contain %q:\n%s", want, r.stderr)
				}
			}
			if tt.wantNoReport && strings.Contains(r.stderr, "could not report") {
				t.Errorf("stderr: %s", r.stderr)
			}
			if n := strings.Count(r.stderr, "could not report"); n > 1 {
				t.Errorf("%d lines say what was not sent, want at most one:\n%s", n, r.stderr)
			}
			if tt.wantStdout != "" && r.stdout != tt.wantStdout {
				t.Errorf("stdout %q, want %q", r.stdout, tt.wantStdout)
			}
			evs := fake.got()
			if tt.wantStatuses != "" && statuses(evs) != tt.wantStatuses {
				t.Fatalf("accepted %q, want %q", statuses(evs), tt.wantStatuses)
			}
			if tt.check != nil {
				tt.check(t, evs)
			}
		})
	}
}

// TestRunHeartbeat: a command that prints nothing is still heard from, with its last progress.
func TestRunHeartbeat(t *testing.T) {
	t.Setenv(envChild, "1")
	fake, srv := newIngestFake(t)
	stdin, release := io.Pipe()
	fake.onEvent = func(ev trainevent.Event) {
		if ev.Status == job.InProgress {
			release.Close() // the command ends once a heartbeat is in
		}
	}
	vars := map[string]string{EnvAPIURL: srv.URL, EnvReportingToken: testToken}
	var r result
	r = cliWithStdin(t, vars, stdin, wrap([]string{"--heartbeat", "1s"}, "stdin")...)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	evs := fake.got()
	if got := statuses(evs); !regexp.MustCompile(`^STARTED( IN_PROGRESS)+ SUCCESS$`).MatchString(got) {
		t.Fatalf("accepted %q", got)
	}
}
