// Package proc runs the local stack's child processes: each in its own process group, killed
// with its parent (Pdeathsig), its output logged line by line through slog, and stopped with
// SIGTERM then SIGKILL so that no process is ever left behind.
package proc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// Process is a started child.
type Process struct {
	Name string
	cmd  *exec.Cmd
	done chan struct{}
	err  error
}

// Start runs cmd in its own process group. Each line it writes to stdout or stderr is logged at
// Info with the attribute proc=name, unless cmd.Stdout is already set (then only stderr is).
func Start(log *slog.Logger, name string, cmd *exec.Cmd) (*Process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if cmd.Stdout == nil {
		cmd.Stdout = lineLogger(log, name)
	}
	if cmd.Stderr == nil {
		cmd.Stderr = lineLogger(log, name)
	}
	if cmd.WaitDelay == 0 {
		// A descendant that left the group may hold the output pipes open: Wait must still
		// return once the process has exited.
		cmd.WaitDelay = waitDelay
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("starting %s: %w", name, err)
	}
	p := &Process{Name: name, cmd: cmd, done: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// Pid returns the process id (also its process group id).
func (p *Process) Pid() int { return p.cmd.Process.Pid }

// Done is closed when the process has exited.
func (p *Process) Done() <-chan struct{} { return p.done }

// Err returns how the process ended, once Done is closed.
func (p *Process) Err() error { return p.err }

// waitDelay bounds how long Wait waits for the output pipes once the process has exited.
const waitDelay = 2 * time.Second

// Stop sends SIGTERM to the process group, then SIGKILL after grace, and waits for the exit.
func (p *Process) Stop(grace time.Duration) {
	if p == nil {
		return
	}
	var exited bool
	select {
	case <-p.done:
		exited = true
	default:
	}
	_ = syscall.Kill(-p.Pid(), syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(grace):
		_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
		<-p.done
	}
	// Anything the child left in its group goes too; not if it had exited before Stop, as its
	// group id may since have been reused.
	if !exited {
		_ = syscall.Kill(-p.Pid(), syscall.SIGKILL)
	}
}

// WaitTCP waits until addr accepts connections, the process exits, or ctx or limit ends.
func (p *Process) WaitTCP(ctx context.Context, addr string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	for {
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			c.Close()
			return nil
		}
		select {
		case <-p.done:
			return fmt.Errorf("%s exited before listening on %s: %v", p.Name, addr, p.err)
		case <-ctx.Done():
			return fmt.Errorf("%s not listening on %s after %s: %w", p.Name, addr, limit, errors.Join(err, ctx.Err()))
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// ansi matches terminal colour sequences, which some children print even without a terminal.
var ansi = regexp.MustCompile(`\x1b\[[0-9;]*[A-Za-z]`)

// lineWriter logs each complete line written to it.
type lineWriter struct {
	log  *slog.Logger
	name string
	buf  []byte
}

func lineLogger(log *slog.Logger, name string) io.Writer { return &lineWriter{log: log, name: name} }

func (w *lineWriter) Write(b []byte) (int, error) {
	w.buf = append(w.buf, b...)
	for {
		i := bytes.IndexByte(w.buf, '\n')
		if i < 0 {
			break
		}
		w.logLine(ansi.ReplaceAllString(strings.TrimRight(string(w.buf[:i]), "\r"), ""))
		w.buf = w.buf[i+1:]
	}
	if len(w.buf) > 64<<10 {
		w.log.Info(string(w.buf), "proc", w.name)
		w.buf = nil
	}
	return len(b), nil
}

// logLine logs one line: a JSON object (a function's own structured log) is kept as JSON under
// "record" instead of being quoted into the message.
func (w *lineWriter) logLine(line string) {
	switch {
	case line == "":
	case strings.HasPrefix(line, "{") && json.Valid([]byte(line)):
		w.log.Info("log", "proc", w.name, "record", json.RawMessage(line))
	default:
		w.log.Info(line, "proc", w.name)
	}
}
