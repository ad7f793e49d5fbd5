package main

import (
	"io"
	"os"

	"golang.org/x/term"
)

// terminalWidth returns the number of columns of the terminal w writes to, or 0 when it is not
// a terminal or does not say. The redrawn bar must fit on one line: a wrapped line cannot be
// redrawn in place with a carriage return. golang.org/x/term asks the system the right way on
// each (TIOCGWINSZ on Unix, the console screen buffer on Windows).
func terminalWidth(w io.Writer) int {
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

// isTerminal reports whether w is a terminal (not merely a character device: /dev/null is one).
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// fit cuts s to at most width-1 characters (keeping the last column free, so that the cursor
// never wraps), ending with "…" when it cut; width 0 means no limit.
func fit(s string, width int) string {
	r := []rune(s)
	if width <= 1 || len(r) < width {
		return s
	}
	return string(r[:width-2]) + "…"
}
