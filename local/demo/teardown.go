package demo

import (
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/local/proc"
)

// teardown stops the stack if it started, then checks that every process started below this one has ended
// and that no address the stack listened on is still bound.
func (d *demo) teardown() {
	d.section("teardown")
	pids, perr := descendants(os.Getpid())
	var addrs []string
	if d.st != nil { // else Start failed and stopped what it had started: check that
		addrs = d.st.State.Addrs
		d.st.Close()
	}

	deadline := time.Now().Add(5 * time.Second)
	var left []string
	for {
		left = left[:0]
		for _, p := range pids {
			if alive(p) {
				left = append(left, fmt.Sprint(p))
			}
		}
		if len(left) == 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	err := perr
	if len(left) > 0 {
		err = fmt.Errorf("still running: %s", strings.Join(left, ", "))
	}
	detail := fmt.Sprintf("%d processes (emulators, Node, Java) ended", len(pids))
	if d.st == nil {
		detail = "none left by the failed start"
	}
	d.check("every child process ended", err, detail)

	var bound []string
	for _, a := range addrs {
		if err := proc.CheckFree(a); err != nil {
			bound = append(bound, a)
		}
	}
	err = nil
	if len(bound) > 0 {
		err = fmt.Errorf("still bound: %s", strings.Join(bound, ", "))
	}
	if d.st == nil {
		return
	}
	d.check("no port left bound", err, fmt.Sprintf("%d addresses free: %s", len(addrs), strings.Join(addrs, " ")))
}
