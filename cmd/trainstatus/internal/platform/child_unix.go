//go:build unix

package platform

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
	"golang.org/x/term"
)

// ForwardedSignals are the signals run passes on to the command it wraps.
var ForwardedSignals = []os.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT}

// Forward passes s on to the command. SIGINT and SIGQUIT typed at a terminal whose foreground
// process group is ours reached the command already (it is in the same group): sent again,
// Python would see a second KeyboardInterrupt in the middle of its clean-up.
func Forward(p *os.Process, s os.Signal, keyboardReachesChild bool) {
	if keyboardReachesChild && (s == syscall.SIGINT || s == syscall.SIGQUIT) {
		return
	}
	p.Signal(s) // the command may have just ended: nothing to do then
}

// KeyboardReachesChild reports whether our process group is the foreground group of the
// controlling terminal, so that the terminal's SIGINT and SIGQUIT reach the command directly.
func KeyboardReachesChild() bool {
	for _, fd := range []int{0, 1, 2} {
		if !term.IsTerminal(fd) {
			continue
		}
		pgrp, err := unix.IoctlGetInt(fd, unix.TIOCGPGRP)
		return err == nil && pgrp == unix.Getpgrp()
	}
	return false
}

// ExitStatus is the shell's status for a command that ended as ps says (128+n for a death by
// signal n) and how it ended, in words.
func ExitStatus(ps *os.ProcessState) (int, string) {
	if ws, ok := ps.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		how := "killed by signal " + unix.SignalName(ws.Signal())
		if ws.CoreDump() {
			how += " (core dumped)"
		}
		return 128 + int(ws.Signal()), how
	}
	return ps.ExitCode(), fmt.Sprintf("exit status %d", ps.ExitCode())
}

// IsTermination reports whether s asks the process to end: SIGTERM, what a scheduler sends a
// pre-empted job (Slurm, Kubernetes, a spot instance's shutdown) before it kills it.
func IsTermination(s os.Signal) bool { return s == syscall.SIGTERM }
