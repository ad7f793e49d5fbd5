package invoke_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/invoke"
)

// deadlockGuard bounds only waits that never end when the code is wrong; a correct run never
// comes near it, so it is no timing assumption.
const deadlockGuard = time.Minute

// TestPoolStop stops a pool around invokes, synchronised on events: the test function calls a
// gate and is held there, so "the invoke is inside the function" is known, not slept for.
// Every invoke cut short by Stop fails with ErrStopped whatever the emulator answered as it was
// ended (RIE may close the connection, answer 502, or answer HTTP 200 with an empty body), no
// emulator is restarted afterwards, and no emulator process of the test is left running.
func TestPoolStop(t *testing.T) {
	tools := testenv.Tools(t)
	boot := testenv.Bootstrap(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	fake := fakeRIE(t)
	stopWhileRunning := func(t *testing.T, p *invoke.Pool, gate *testenv.Gate) []error {
		done := invokeAsync(p, gate.URL)
		<-gate.Arrived() // the invoke is inside the function, held
		p.Stop()
		return []error{wait(t, done)}
	}
	cases := []struct {
		name string
		rie  string // the emulator binary
		// run drives the pool and returns the errors of the invokes that Stop cut short.
		run func(t *testing.T, p *invoke.Pool, gate *testenv.Gate) []error
	}{
		{"stopped while the function runs", tools.RIE, stopWhileRunning},
		// The old pool's flake made deterministic: the emulator answers HTTP 200 with an empty
		// body as it is ended, which the old pool took for the function's success.
		{"emulator answers 200 as it is ended", fake, stopWhileRunning},
		{"stopped while an invoke waits for an emulator", tools.RIE, func(t *testing.T, p *invoke.Pool, gate *testenv.Gate) []error {
			first := invokeAsync(p, gate.URL)
			<-gate.Arrived() // the only emulator is busy
			second := invokeAsync(p, gate.URL)
			p.Stop()
			return []error{wait(t, first), wait(t, second)}
		}},
		{"invoked after stop", tools.RIE, func(t *testing.T, p *invoke.Pool, gate *testenv.Gate) []error {
			p.Stop()
			return []error{wait(t, invokeAsync(p, gate.URL))}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			gate := testenv.NewGate(t)
			fn := invoke.Function{Name: "held", Bootstrap: boot, Timeout: time.Minute, Concurrency: 1}
			p, err := invoke.StartPool(context.Background(), log, tc.rie, fn)
			if err != nil {
				t.Fatalf("StartPool: %v", err)
			}
			if n := len(liveChildren(t, tc.rie)); n != 1 {
				t.Fatalf("%d emulator processes after StartPool, want 1", n)
			}
			for i, err := range tc.run(t, p, gate) {
				if !errors.Is(err, invoke.ErrStopped) {
					t.Errorf("invoke %d: err %v, want ErrStopped", i, err)
				}
			}
			if left := liveChildren(t, tc.rie); len(left) > 0 {
				t.Errorf("emulator processes left after Stop: %v", left)
			}
		})
	}
}

// fakeRIE builds testdata/fakerie, the emulator that answers HTTP 200 as it is ended.
func fakeRIE(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "fakerie")
	out, err := exec.Command("go", "build", "-o", bin, "./testdata/fakerie").CombinedOutput()
	if err != nil {
		t.Fatalf("building fakerie: %v\n%s", err, out)
	}
	return bin
}

// invokeAsync starts an invoke of the test function that calls url, and returns its outcome's channel.
func invokeAsync(p *invoke.Pool, url string) <-chan error {
	done := make(chan error, 1)
	go func() {
		payload, _ := json.Marshal(map[string]string{"call": url})
		res, err := p.Invoke(context.Background(), "req", payload)
		if err == nil {
			err = fmt.Errorf("invoke succeeded: %q %s", res.FunctionError, res.Payload)
		}
		done <- err
	}()
	return done
}

func wait(t *testing.T, done <-chan error) error {
	t.Helper()
	select {
	case err := <-done:
		return err
	case <-time.After(deadlockGuard):
		t.Fatal("the invoke did not return after Stop")
		return nil
	}
}

// liveChildren lists this process's live (not zombie) children running the binary exe.
func liveChildren(t *testing.T, exe string) []string {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var out []string
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		i := bytes.LastIndexByte(b, ')') // "pid (comm) state ppid ..."
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(b[i+1:]))
		if len(fields) < 2 || fields[0] == "Z" || fields[1] != strconv.Itoa(os.Getpid()) {
			continue
		}
		cmdline, _ := os.ReadFile(filepath.Join(filepath.Dir(f), "cmdline"))
		if arg0, _, _ := bytes.Cut(cmdline, []byte{0}); string(arg0) == exe {
			out = append(out, string(b[:i+1]))
		}
	}
	return out
}
