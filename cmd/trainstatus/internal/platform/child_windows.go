//go:build windows

package platform

import (
	"fmt"
	"os"
)

// ForwardedSignals: Windows has Ctrl-C and Ctrl-Break (os.Interrupt), which the console sends to
// every process attached to it, the command included. run catches it only so as not to die
// before the command does and its end is reported.
var ForwardedSignals = []os.Signal{os.Interrupt}

// Forward does nothing on Windows: the console delivered the interrupt to the command already,
// and a process cannot be sent one (os.Process.Signal supports only Kill there).
func Forward(*os.Process, os.Signal, bool) {}

// KeyboardReachesChild: a console's Ctrl-C reaches every process attached to it.
func KeyboardReachesChild() bool { return true }

// ExitStatus is the command's exit code and how it ended, in words; NTSTATUS codes (a crash,
// 0xC0000005, or Ctrl-C, 0xC000013A) in hex, as Windows documents them.
func ExitStatus(ps *os.ProcessState) (int, string) {
	code := ps.ExitCode()
	if uint32(code) >= 0xC0000000 {
		return code, fmt.Sprintf("exit status 0x%08X", uint32(code))
	}
	return code, fmt.Sprintf("exit status %d", code)
}

// IsTermination: Windows sends a console process no termination request run could catch (a
// service stop or a shutdown ends it), so no signal means a pre-emption there.
func IsTermination(os.Signal) bool { return false }
