package platform

import (
	"os"
	"os/signal"
	"syscall"
)

// StopSignals end the CLI's own commands (send, watch, dlq, ...) through their context: an
// interrupt at the terminal, or a polite kill from a supervisor.
var StopSignals = []os.Signal{os.Interrupt, syscall.SIGTERM}

// SurviveBrokenPipe keeps a write to a closed stdout (`trainstatus dlq list | head -1`) an error
// that ends the command, rather than a SIGPIPE that kills it before it makes the listed messages
// visible again. Windows has no SIGPIPE; asking for it there is harmless.
func SurviveBrokenPipe() {
	signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
}
