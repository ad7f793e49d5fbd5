package invoke_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/invoke"
)

// TestPoolStopDuringInvoke stops a pool while an invoke is in flight: the invoke fails (its
// emulator is ended under it) and no emulator may be restarted afterwards, so no emulator
// process of this test may be left running.
func TestPoolStopDuringInvoke(t *testing.T) {
	tools := testenv.Tools(t)
	boot := testenv.Bootstrap(t)
	fn := invoke.Function{Name: "slow", Bootstrap: boot, Timeout: 20 * time.Second, Concurrency: 1}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	p, err := invoke.StartPool(context.Background(), log, tools.RIE, fn)
	if err != nil {
		t.Fatalf("StartPool: %v", err)
	}
	if n := len(liveChildren(t, tools.RIE)); n != 1 {
		t.Fatalf("%d emulator processes after StartPool, want 1", n)
	}
	done := make(chan error, 1)
	go func() {
		_, err := p.Invoke(context.Background(), "req-1", []byte(`{"sleep_ms":15000}`))
		done <- err
	}()
	time.Sleep(300 * time.Millisecond) // the invoke is under way
	start := time.Now()
	p.Stop()
	if took := time.Since(start); took > 8*time.Second {
		t.Errorf("Stop took %s", took)
	}
	select {
	case err := <-done:
		if err == nil {
			t.Error("the interrupted invoke succeeded")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the invoke did not return after Stop")
	}
	if left := liveChildren(t, tools.RIE); len(left) > 0 {
		t.Errorf("emulator processes left after Stop: %v", left)
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
