package demo

import (
	"os"
	"os/exec"
	"slices"
	"testing"
	"time"
)

// TestDescendants starts a shell that starts a sleep: both are found below this process, and
// neither is alive once the group is killed and reaped.
func TestDescendants(t *testing.T) {
	cmd := exec.Command("sh", "-c", "sleep 30 & wait")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	for range 100 {
		var err error
		if pids, err = descendants(os.Getpid()); err != nil {
			t.Fatal(err)
		}
		if len(pids) >= 2 {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !slices.Contains(pids, cmd.Process.Pid) || len(pids) < 2 {
		t.Fatalf("descendants = %v, want the shell %d and its sleep", pids, cmd.Process.Pid)
	}
	for _, p := range pids {
		if !alive(p) {
			t.Errorf("%d not alive", p)
		}
	}
	for _, p := range pids {
		if pr, err := os.FindProcess(p); err == nil {
			pr.Kill()
		}
	}
	cmd.Wait()
	if alive(cmd.Process.Pid) {
		t.Errorf("the shell %d is alive after Wait", cmd.Process.Pid)
	}
}
