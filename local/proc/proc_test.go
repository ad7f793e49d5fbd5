package proc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/internal/syncbuf"
)

// deadlockGuard bounds only waits that never end when the code is wrong; a correct run never
// comes near it, so it is no timing assumption.
const deadlockGuard = time.Minute

// logWatch is a log destination that tells when a line containing a given text was written:
// tests wait on what the child printed, not on a polling loop.
type logWatch struct {
	syncbuf.Buffer
	mu    sync.Mutex
	waits map[string]chan struct{}
}

func (w *logWatch) Write(p []byte) (int, error) {
	n, err := w.Buffer.Write(p)
	s := w.String()
	w.mu.Lock()
	for text, ch := range w.waits {
		if strings.Contains(s, text) {
			close(ch)
			delete(w.waits, text)
		}
	}
	w.mu.Unlock()
	return n, err
}

// when returns a channel closed once text has been written.
func (w *logWatch) when(text string) <-chan struct{} {
	w.mu.Lock()
	defer w.mu.Unlock()
	ch := make(chan struct{})
	if strings.Contains(w.String(), text) {
		close(ch)
		return ch
	}
	if w.waits == nil {
		w.waits = map[string]chan struct{}{}
	}
	w.waits[text] = ch
	return ch
}

func waitFor(t *testing.T, ch <-chan struct{}, what string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(deadlockGuard):
		t.Fatalf("never saw %s", what)
	}
}

// TestLogsAndStop runs a shell that prints plain, coloured and JSON lines and leaves a child
// behind in its group; Stop must end both, and each line must be logged as expected.
func TestLogsAndStop(t *testing.T) {
	buf := &logWatch{}
	log := slog.New(slog.NewJSONHandler(buf, nil))
	childStarted := buf.when("child")
	cmd := exec.Command("sh", "-c", `echo plain; printf '\033[32mgreen\033[39m\n'; echo '{"level":"INFO","msg":"x"}'; sleep 60 & echo child $!; wait`)
	p, err := Start(log, "sh", cmd)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, childStarted, "the child start")
	p.Stop(2 * time.Second)
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
	buf := &logWatch{}
	log := slog.New(slog.NewJSONHandler(buf, nil))
	started := buf.when("descendant ")
	// The descendant prints its pid through the inherited output pipe, which it keeps open.
	cmd := exec.Command("sh", "-c", `setsid sh -c 'echo "descendant $$ ."; exec sleep 60' & wait`)
	p, err := Start(log, "sh", cmd)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, started, "the descendant start")
	var pid int
	for _, l := range strings.Split(buf.String(), "\n") {
		var m map[string]any
		if json.Unmarshal([]byte(l), &m) == nil {
			if f := strings.Fields(fmt.Sprint(m["msg"])); len(f) == 3 && f[0] == "descendant" {
				pid, _ = strconv.Atoi(f[1])
			}
		}
	}
	if pid == 0 {
		t.Fatalf("no descendant pid in %s", buf.String())
	}
	t.Cleanup(func() { _ = syscall.Kill(pid, syscall.SIGKILL) })
	stopped := make(chan struct{})
	go func() { p.Stop(500 * time.Millisecond); close(stopped) }()
	waitFor(t, stopped, "Stop return while a descendant holds the output pipes")
	select {
	case <-p.Done():
	default:
		t.Fatal("not done after Stop")
	}
}

// TestFreeAddrsNeverRepeat: the ports handed out in one process are all distinct, within one call
// and across calls.
func TestFreeAddrsNeverRepeat(t *testing.T) {
	seen := map[string]bool{}
	for range 50 {
		addrs, err := FreeAddrs(3)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range addrs {
			if seen[a] {
				t.Fatalf("%s handed out twice", a)
			}
			seen[a] = true
		}
	}
}
