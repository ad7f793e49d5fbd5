package main

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

// terminalWidth returns the number of columns of the terminal w writes to, or 0 when it is not
// a terminal or does not say. The redrawn bar must fit on one line: a wrapped line cannot be
// redrawn in place with a carriage return.
func terminalWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok {
		return 0
	}
	var size struct{ rows, cols, x, y uint16 }
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, f.Fd(), uintptr(syscall.TIOCGWINSZ), uintptr(unsafe.Pointer(&size))); errno != 0 {
		return 0
	}
	return int(size.cols)
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
