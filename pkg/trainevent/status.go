package trainevent

import "github.com/trainstatus/trainstatus/pkg/tables"

// statusWords maps every accepted spelling, in lower case, to its status.
var statusWords = map[string]tables.Status{
	"started":     tables.StatusStarted,
	"in_progress": tables.StatusInProgress,
	"success":     tables.StatusSuccess,
	"failed":      tables.StatusFailed,
	// legacy spellings
	"in progress": tables.StatusInProgress,
	"fail":        tables.StatusFailed,
}

// ParseStatus returns the status that s spells, ignoring ASCII case and accepting the legacy
// spellings. Only ASCII letters are folded, so "ſtarted" (with a long s) is not STARTED.
func ParseStatus(s string) (tables.Status, bool) {
	if len(s) > len("in_progress") {
		return "", false
	}
	var buf [len("in_progress")]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	st, ok := statusWords[string(buf[:len(s)])]
	return st, ok
}
