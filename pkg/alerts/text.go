package alerts

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxField bounds each attacker-controlled field in a message (runes); longer text is cut with
// an ellipsis. The job's page has all of it.
const MaxField = 500

// Clean makes text from a training event safe to show in an alert: it removes control
// characters (newlines and tabs become spaces), the bidirectional controls that can make text
// read in another order than it is stored (U+202A-U+202E, U+2066-U+2069, U+200E, U+200F, U+061C),
// and other invisible format characters (Unicode Cf: zero-width joiners, word joiners, BOM), and
// cuts it to MaxField runes.
func Clean(s string) string {
	var b strings.Builder
	n := 0
	for _, r := range s {
		switch {
		case r == '\n' || r == '\t' || r == '\r':
			r = ' '
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		}
		if n == MaxField {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		n++
	}
	return strings.TrimSpace(b.String())
}
