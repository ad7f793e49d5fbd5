package job

import "strings"

// Status is the state of a training job.
type Status string

// The job states. STARTED -> IN_PROGRESS -> SUCCESS or FAILED; the last two are final.
const (
	Started    Status = "STARTED"
	InProgress Status = "IN_PROGRESS"
	Success    Status = "SUCCESS"
	Failed     Status = "FAILED"
)

// Statuses lists every Status, in lifecycle order.
var Statuses = []Status{Started, InProgress, Success, Failed}

// Valid reports whether s is one of Statuses (it also makes Status a ddb.Enum).
func (s Status) Valid() bool {
	switch s {
	case Started, InProgress, Success, Failed:
		return true
	}
	return false
}

// Final reports whether no later event may change a job in this state.
func (s Status) Final() bool { return s == Success || s == Failed }

// MustBeOneOf is the one wording of the rule a status must follow, for every error that refuses
// one: "must be one of STARTED, IN_PROGRESS, SUCCESS, FAILED".
var MustBeOneOf = func() string {
	words := make([]string, len(Statuses))
	for i, s := range Statuses {
		words[i] = string(s)
	}
	return "must be one of " + strings.Join(words, ", ")
}()

// spellings maps every accepted spelling, in lower case, to its status: the canonical words and
// the spellings of the system this one replaced.
var spellings = map[string]Status{
	"started":     Started,
	"in_progress": InProgress,
	"success":     Success,
	"failed":      Failed,
	// legacy spellings
	"in progress": InProgress,
	"fail":        Failed,
}

// longestSpelling bounds the work ParseStatus does on hostile input.
const longestSpelling = len("in_progress")

// ParseStatus returns the status that s spells, ignoring ASCII case and accepting the legacy
// spellings ("in progress", "fail"). Only ASCII letters are folded, so "ſtarted" (with a long s)
// is not STARTED.
func ParseStatus(s string) (Status, bool) {
	if len(s) > longestSpelling {
		return "", false
	}
	var buf [longestSpelling]byte
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	st, ok := spellings[string(buf[:len(s)])]
	return st, ok
}
