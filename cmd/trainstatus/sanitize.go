package main

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// sanitize makes text that came from the API or a queue safe to print on a terminal: it removes
// every control character (C0, DEL and C1, U+0080-U+009F) except tab and newline, and writes
// invalid UTF-8 as U+FFFD. A job's message, an error, a dead-letter reason or body can then no
// longer move the cursor, recolour, retitle or clear the user's terminal: without ESC, BEL and
// CSI an escape sequence is inert text. The event format refuses these characters already
// (pkg/trainevent); this guards against what was stored before, or sent by anything else.
// Single-line output passes the result through oneLine, which also folds tabs and newlines.
func sanitize(s string) string {
	clean := true
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 || unsafeRune(r) {
			clean = false
			break
		}
		i += size
	}
	if clean {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s { // ranging over invalid UTF-8 yields U+FFFD for each bad byte
		if !unsafeRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func unsafeRune(r rune) bool { return unicode.IsControl(r) && r != '\t' && r != '\n' }

// escapeC1 rewrites the C1 control characters and DEL of a JSON text as \u escapes.
// encoding/json escapes C0 controls but writes DEL and C1 raw, and some terminals act on a raw
// U+009B (CSI). Outside strings JSON holds only ASCII punctuation, so every such rune is inside a
// string, where the escape means the same character: the output is the same JSON value.
func escapeC1(js []byte) []byte {
	if !strings.ContainsFunc(string(js), isC1OrDEL) {
		return js
	}
	var b strings.Builder
	for _, r := range string(js) {
		if isC1OrDEL(r) {
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[r>>4])
			b.WriteByte("0123456789abcdef"[r&0xf])
			continue
		}
		b.WriteRune(r)
	}
	return []byte(b.String())
}

func isC1OrDEL(r rune) bool { return 0x7f <= r && r <= 0x9f }
