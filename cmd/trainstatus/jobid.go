package main

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// maxSlug bounds the name's part of a request id, which stays well inside the format's 128.
const maxSlug = 40

// newRequestID is a run's own request id, <slug-of-name>-<YYYYMMDD-HHMMSS>-<6 hex> (BRIEF), so
// that a rerun of the same command is a new job: a finished job refuses newer events.
func newRequestID(name string, now time.Time) string {
	var b [3]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return slug(name) + "-" + now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// slug is name in lower case with every run of other characters than a-z and 0-9 as one "-",
// cut to maxSlug; "job" when nothing is left.
func slug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
			if b.Len() >= maxSlug {
				break
			}
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "job"
	}
	return b.String()
}

// defaultName is the display name of a run without --name: its command line, made a valid name
// (one line, no control characters, at most trainevent.MaxNameLen bytes).
func defaultName(argv []string) string {
	s := strings.Join(strings.FieldsFunc(strings.Join(argv, " "), func(r rune) bool {
		return r == ' ' || unsafeRune(r) || r == '\t' || r == '\n'
	}), " ")
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) > trainevent.MaxNameLen {
		s = cutUTF8(s, trainevent.MaxNameLen-len("…")) + "…"
	}
	return s
}

// cutUTF8 is s cut to at most n bytes, at a character boundary.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// tailUTF8 is the last n bytes of s at most, from a character boundary.
func tailUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := len(s) - n
	for i < len(s) && !utf8.RuneStart(s[i]) {
		i++
	}
	return s[i:]
}
