package alerts

import (
	"html"
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

// StripInvisible removes from text for an email body what Clean removes, but keeps line breaks
// and tabs and the whole length (the email shows all of a job's error).
func StripInvisible(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\n' || r == '\t':
			return r
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			return -1
		}
		return r
	}, s)
}

// linkBreaker splits what an email client's auto-linker looks for (a scheme's "://", a domain's
// dots, an address's "@") with an empty element: the text reads the same, but no client turns a
// job's text into a link.
var linkBreaker = strings.NewReplacer(".", ".<span></span>", ":", ":<span></span>", "@", "@<span></span>")

// HTMLText is attacker-controlled text for an email's HTML part: invisible characters removed,
// HTML-escaped, and split so that no part of it becomes a link.
func HTMLText(s string) string {
	return linkBreaker.Replace(html.EscapeString(StripInvisible(s)))
}
