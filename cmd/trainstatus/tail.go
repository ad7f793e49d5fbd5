package main

import (
	"strings"
	"sync"
)

// tailBuffer keeps the last bytes written to it: the end of the wrapped command's stderr, for
// the error of its FAILED event.
type tailBuffer struct {
	mu  sync.Mutex
	buf []byte
	max int
}

func newTailBuffer(max int) *tailBuffer { return &tailBuffer{max: max} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(p) >= t.max {
		t.buf = append(t.buf[:0], p[len(p)-t.max:]...)
		return len(p), nil
	}
	if over := len(t.buf) + len(p) - t.max; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	t.buf = append(t.buf, p...)
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return string(t.buf)
}

// stderrTailLines is how many of the last stderr lines a FAILED event carries, when they fit.
const stderrTailLines = 20

// failureText is the error of a FAILED event: what ended the command ("exit status 1", "killed
// by signal SIGKILL"), then the last lines of its stderr, as the event format allows them (tab
// and newline kept, every other control character and escape sequence removed, a carriage
// return taken as the line end a terminal shows), all within maxLen bytes: the oldest lines go
// first, and a single line too long is cut at its start.
func failureText(how, stderr string, maxLen int) string {
	lines := strings.FieldsFunc(stripEscapes(stderr), func(r rune) bool { return r == '\n' || r == '\r' })
	var keep []string
	for i := len(lines) - 1; i >= 0 && len(keep) < stderrTailLines; i-- {
		if l := strings.TrimRight(lines[i], " \t"); l != "" {
			keep = append(keep, l)
		}
	}
	text := how
	budget := maxLen - len(how) - len("\n")
	var body []string
	for _, l := range keep { // newest first
		if budget <= 0 {
			break
		}
		if len(l)+1 > budget {
			if len(body) > 0 { // an older line: left out rather than cut
				break
			}
			l = tailUTF8(l, budget-len("…")-1)
			if l == "" {
				break
			}
			l = "…" + l
		}
		budget -= len(l) + 1
		body = append(body, l)
	}
	for i := len(body) - 1; i >= 0; i-- {
		text += "\n" + body[i]
	}
	return cutUTF8(text, maxLen)
}

// stripEscapes removes ANSI escape sequences (CSI "ESC [ ... final", OSC "ESC ] ... BEL or ST",
// and two-character ones), then every control character but tab, newline and carriage return,
// and invalid UTF-8: colours and cursor moves in a command's stderr are not text.
func stripEscapes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	s = strings.ToValidUTF8(s, "\uFFFD")
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != 0x1b {
			b.WriteByte(c)
			continue
		}
		if i+1 >= len(s) {
			break
		}
		switch s[i+1] {
		case '[': // CSI: parameters and intermediates, then a final byte 0x40-0x7e
			j := i + 2
			for j < len(s) && (s[j] < 0x40 || s[j] > 0x7e) {
				j++
			}
			i = j
		case ']': // OSC: up to BEL or ESC \
			j := i + 2
			for j < len(s) && s[j] != 0x07 && !(s[j] == 0x1b && j+1 < len(s) && s[j+1] == '\\') {
				j++
			}
			if j < len(s) && s[j] == 0x1b {
				j++
			}
			i = j
		default:
			i++
		}
	}
	return strings.Map(func(r rune) rune {
		if r == '\r' || !unsafeRune(r) {
			return r
		}
		return -1
	}, b.String())
}
