package proc

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/internal/syncbuf"
)

// TestLogsAndStop runs a shell that prints plain, coloured and JSON lines and leaves a child
// behind in its group; Stop must end both, and each line must be logged as expected.
func TestLogsAndStop(t *testing.T) {
	buf := &syncbuf.Buffer{}
	log := slog.New(slog.NewJSONHandler(buf, nil))
	cmd := exec.Command("sh", "-c", `echo plain; printf '\033[32mgreen\033[39m\n'; echo '{"level":"INFO","msg":"x"}'; sleep 60 & echo child $!; wait`)
	p, err := Start(log, "sh", cmd)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "child") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	start := time.Now()
	p.Stop(2 * time.Second)
	if took := time.Since(start); took > 3*time.Second {
		t.Errorf("Stop took %s", took)
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("not done after Stop")
	}
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	cases := []struct {
		msg    string
		record bool
	}{{"plain", false}, {"green", false}, {"log", true}}
	for i, tc := range cases {
		if i >= len(lines) || lines[i]["msg"] != tc.msg || (lines[i]["record"] != nil) != tc.record || lines[i]["proc"] != "sh" {
			t.Errorf("line %d: %v, want msg %q record %v", i, lines[i], tc.msg, tc.record)
		}
	}
	// The sleeping grandchild was in the group: no live process may be left in it.
	if left := liveInGroup(t, p.Pid()); len(left) > 0 {
		t.Errorf("process group %d still has live members %v", p.Pid(), left)
	}
}

// liveInGroup lists the processes of group pgid that are not zombies, from /proc.
func liveInGroup(t *testing.T, pgid int) []string {
	t.Helper()
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	var left []string
	for _, f := range stats {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		// "pid (comm) state ppid pgrp ..."
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		fields := strings.Fields(string(b[i+1:]))
		if len(fields) > 2 && fields[2] == strconv.Itoa(pgid) && fields[0] != "Z" {
			left = append(left, string(b[:i+1]))
		}
	}
	return left
}

// TestStopWithEscapedDescendant leaves a descendant in its own session holding the output
// pipes: Stop must still return once the process itself has exited.
func TestStopWithEscapedDescendant(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	cmd := exec.Command("sh", "-c", `setsid sh -c 'echo $$ > "$0"; exec sleep 60' "$0" & wait`, pidFile)
	p, err := Start(log, "sh", cmd)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	deadline := time.Now().Add(5 * time.Second)
	for pid == 0 && time.Now().Before(deadline) {
		b, _ := os.ReadFile(pidFile)
		pid, _ = strconv.Atoi(strings.TrimSpace(string(b)))
		time.Sleep(10 * time.Millisecond)
	}
	if pid == 0 {
		t.Fatal("the descendant did not start")
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	start := time.Now()
	stopped := make(chan struct{})
	go func() { p.Stop(500 * time.Millisecond); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(500*time.Millisecond + waitDelay + 3*time.Second):
		t.Fatalf("Stop still blocked after %s", time.Since(start))
	}
	select {
	case <-p.Done():
	default:
		t.Fatal("not done after Stop")
	}
}
