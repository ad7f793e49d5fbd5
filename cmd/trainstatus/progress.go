package main

import (
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// maxLine bounds a line kept for the progress pattern: the rest of a longer line is not looked at.
const maxLine = 4096

// compileProgress compiles the user's --progress-regex: it needs a capture group, whose first
// match is the percent.
func compileProgress(expr string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("--progress-regex: %v", err)
	}
	if re.NumSubexp() < 1 {
		return nil, fmt.Errorf("--progress-regex %q has no capture group: the first group is the percent, e.g. '(\\d+(?:\\.\\d+)?)%%'", expr)
	}
	return re, nil
}

// progressMatch reads a percent from line by re: the first group's number, 0 to 100; the
// message is the line itself, made a valid message.
func progressMatch(re *regexp.Regexp, line string) (pct float64, msg string, ok bool) {
	m := re.FindStringSubmatch(line)
	if m == nil {
		return 0, "", false
	}
	p, err := strconv.ParseFloat(strings.TrimSpace(m[1]), 64)
	if err != nil || p < 0 || p > 100 {
		return 0, "", false
	}
	msg = strings.TrimSpace(stripEscapes(line))
	msg = strings.Map(func(r rune) rune {
		if r == '\r' {
			return -1
		}
		return r
	}, msg)
	return p, cutUTF8(msg, trainevent.MaxMessageLen), true
}

// lineWriter passes every write on to out unchanged and calls onLine with each complete line
// (ended by \n, or \r as progress bars redraw theirs). Lines longer than maxLine are cut.
type lineWriter struct {
	out    io.Writer
	onLine func(string)
	mu     sync.Mutex
	line   []byte
}

func (w *lineWriter) Write(p []byte) (int, error) {
	n, err := w.out.Write(p)
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, c := range p {
		if c == '\n' || c == '\r' {
			if len(w.line) > 0 {
				w.onLine(string(w.line))
			}
			w.line = w.line[:0]
			continue
		}
		if len(w.line) < maxLine {
			w.line = append(w.line, c)
		}
	}
	return n, err
}
