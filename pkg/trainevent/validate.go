package trainevent

import (
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/trainstatus/trainstatus/pkg/job"
)

var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // exclusive
)

// Validate checks every rule of the format and returns the first broken one as a *FieldError
// (matching ErrInvalid). The status must be canonical (one of job.Statuses); the event time
// may have any location and precision, since Marshal writes it in UTC to the microsecond.
func (e Event) Validate() error {
	if err := checkRequestID(e.RequestID); err != nil {
		return err
	}
	if err := checkUserID(e.UserID); err != nil {
		return err
	}
	if !e.Status.Valid() {
		return fieldErr("status", job.MustBeOneOf)
	}
	if err := checkTime(e.EventTime); err != nil {
		return err
	}
	if e.Seq > MaxSeq {
		return fieldErr("seq", "must be at most 2^53-1")
	}
	if e.Progress != nil {
		if err := checkProgress(*e.Progress); err != nil {
			return err
		}
	}
	if err := checkText("message", e.Message, MaxMessageLen); err != nil {
		return err
	}
	if err := checkText("error", e.Error, MaxErrorLen); err != nil {
		return err
	}
	if err := checkName(e.Name); err != nil {
		return err
	}
	return checkStallAfter(e.StallAfter)
}

// checkName: a display name is one line of text: no control character at all (a name is shown
// in a list row, a terminal title and an email subject, where even a newline would forge a line).
func checkName(s string) error {
	if err := checkText(FieldName, s, MaxNameLen); err != nil {
		return err
	}
	if strings.ContainsAny(s, "\t\n") {
		return fieldErr(FieldName, "must not contain control characters")
	}
	return nil
}

func checkStallAfter(d time.Duration) error {
	if d == 0 {
		return nil
	}
	if d%time.Second != 0 || d < MinStallAfter || d > MaxStallAfter {
		return fieldErr(FieldStallAfter, stallAfterRule)
	}
	return nil
}

// stallAfterRule is the refusal of a stall window out of bounds.
var stallAfterRule = fmt.Sprintf("must be an integer number of seconds from %d to %d",
	int(MinStallAfter/time.Second), int(MaxStallAfter/time.Second))

func checkRequestID(s string) error {
	if s == "" {
		return fieldErr("request_id", "is required")
	}
	if len(s) > MaxRequestIDLen {
		return fieldErr("request_id", "must be at most 128 characters")
	}
	if !ValidRequestID(s) {
		return fieldErr("request_id", "must contain only A-Za-z0-9._:-")
	}
	return nil
}

// ValidRequestID reports whether s is a valid request id: 1 to MaxRequestIDLen characters of
// A-Za-z0-9._:- (the status API checks ids in its paths with it).
func ValidRequestID(s string) bool {
	if s == "" || len(s) > MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !requestIDChar(s[i]) {
			return false
		}
	}
	return true
}

func requestIDChar(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
		c == '.' || c == '_' || c == ':' || c == '-'
}

func checkUserID(s string) error {
	if s == "" {
		return fieldErr("user_id", "is required")
	}
	if !ValidUserID(s) {
		return fieldErr("user_id", "must be a Cognito sub: a UUID in lower-case hex, 8-4-4-4-12 digits")
	}
	return nil
}

// UserIDLen is the length of a user id: a UUID written 8-4-4-4-12.
const UserIDLen = 36

// ValidUserID reports whether s has the form of a Cognito sub: a UUID of lower-case hex digits
// in groups of 8-4-4-4-12 ("0f6c1d2e-1111-4a2b-9c3d-123456789abc"). Cognito writes subs in lower
// case and the status API finds a user's jobs by the token's sub exactly, so an upper-case
// spelling would file a job where its owner never sees it: it is refused, not folded. The version
// and variant digits are not checked.
func ValidUserID(s string) bool {
	if len(s) != UserIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}

func checkTime(t time.Time) error {
	if t.IsZero() {
		return fieldErr("event_time", "is required")
	}
	if t.Before(minTime) || !t.Before(maxTime) {
		return fieldErr("event_time", "must be between 1970-01-01 and 9999-12-31")
	}
	return nil
}

func checkProgress(p float64) error {
	if math.IsNaN(p) || p < 0 || p > 100 {
		return fieldErr("progress", "must be a number from 0 to 100")
	}
	return nil
}

// ProgressDecimals is the precision progress is kept to: Parse, Normalize and Marshal round it
// to this many decimal places (a millionth of a percent).
const ProgressDecimals = 6

// RoundProgress rounds p to ProgressDecimals decimal places, with -0 as 0. Every rounded value
// from 0 to 100 is 0 or at least 1e-6 and has at most 9 significant digits, so DynamoDB (38
// digits, magnitudes 1e-130 to 9.99e125) stores it exactly as sent; an unrounded 1e-200 would be
// refused there as an underflow.
func RoundProgress(p float64) float64 {
	const scale = 1e6 // 10^ProgressDecimals
	r := math.Round(p*scale) / scale
	if r == 0 {
		return 0 // also turns -0 into 0
	}
	return r
}

func checkText(field, s string, max int) error {
	if len(s) > max {
		return fieldErr(field, fmt.Sprintf("must be at most %d bytes", max))
	}
	if !utf8.ValidString(s) {
		return fieldErr(field, "must be valid UTF-8")
	}
	if i := strings.IndexFunc(s, forbiddenControl); i >= 0 {
		r, _ := utf8.DecodeRuneInString(s[i:])
		return fieldErr(field, fmt.Sprintf("must not contain control characters other than tab and newline (found U+%04X)", r))
	}
	return nil
}

// forbiddenControl reports whether r is a control character a text field may not hold: every C0
// control but tab and newline, DEL, and every C1 control (U+0080-U+009F): the characters a
// terminal may act on (ESC starts an escape sequence, BEL rings, CR overwrites, U+009B is CSI).
func forbiddenControl(r rune) bool {
	return unicode.IsControl(r) && r != '\t' && r != '\n'
}
