package trainevent

import (
	"fmt"
	"math"
	"time"
	"unicode"
	"unicode/utf8"
)

var (
	minTime = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) // exclusive
)

// Validate checks every rule of the format and returns the first broken one as a *FieldError
// (matching ErrInvalid). The status must be canonical (one of tables.Statuses); the event time
// may have any location and precision, since Marshal writes it in UTC to the microsecond.
func (e Event) Validate() error {
	if err := checkRequestID(e.RequestID); err != nil {
		return err
	}
	if err := checkUserID(e.UserID); err != nil {
		return err
	}
	if !e.Status.Valid() {
		return fieldErr("status", "must be one of STARTED, IN_PROGRESS, SUCCESS, FAILED")
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
	return checkText("error", e.Error, MaxErrorLen)
}

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
	if len(s) > MaxUserIDLen {
		return fieldErr("user_id", "must be at most 128 bytes")
	}
	if !utf8.ValidString(s) {
		return fieldErr("user_id", "must be valid UTF-8")
	}
	for _, r := range s {
		if unicode.IsControl(r) {
			return fieldErr("user_id", "must not contain control characters")
		}
	}
	return nil
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

func checkText(field, s string, max int) error {
	if len(s) > max {
		return fieldErr(field, fmt.Sprintf("must be at most %d bytes", max))
	}
	if !utf8.ValidString(s) {
		return fieldErr(field, "must be valid UTF-8")
	}
	return nil
}
