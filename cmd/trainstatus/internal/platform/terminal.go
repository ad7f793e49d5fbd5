package platform

import (
	"io"
	"os"

	"golang.org/x/term"
)

// TerminalWidth returns the number of columns of the terminal w writes to, or 0 when it is not
// a terminal or does not say. The redrawn bar must fit on one line: a wrapped line cannot be
// redrawn in place with a carriage return. golang.org/x/term asks the system the right way on
// each (TIOCGWINSZ on Unix, the console screen buffer on Windows).
func TerminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	cols, _, err := term.GetSize(int(f.Fd()))
	if err != nil {
		return 0
	}
	return cols
}

// IsTerminal reports whether v is a terminal (not merely a character device: /dev/null is one).
func IsTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// ReadPassword reads a line from the terminal f without echoing it.
func ReadPassword(f *os.File) ([]byte, error) {
	return term.ReadPassword(int(f.Fd()))
}
