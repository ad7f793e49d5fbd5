package main

import (
	"strings"
	"unicode/utf8"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

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
