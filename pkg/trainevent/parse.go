package trainevent

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// bodyTooLarge is the refusal of a body over MaxBodySize.
var bodyTooLarge = "must be at most " + strconv.Itoa(MaxBodySize) + " bytes"

// Parse decodes and validates a message body. It returns a valid, normalized event (canonical
// status, UTC event time truncated to the microsecond, progress rounded by RoundProgress) or a *FieldError for the first problem
// found, in the order of the package documentation. See the package documentation for the rules.
func Parse(body []byte) (Event, error) {
	if len(body) > MaxBodySize {
		return Event{}, fieldErr(FieldBody, bodyTooLarge)
	}
	if !utf8.Valid(body) {
		return Event{}, fieldErr(FieldBody, "must be valid UTF-8")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return Event{}, &FieldError{Field: FieldBody, Reason: "must be a JSON object", Err: err}
	}
	return parseRaw(raw)
}

// parseRaw decodes and validates the fields of a JSON object.
func parseRaw(raw map[string]json.RawMessage) (Event, error) {
	e, err := decode(raw)
	if verr := e.Validate(); verr != nil {
		// After a refusal, e holds the fields before the refused one and zero values from it on.
		// Validate refuses those zero values at the refused field or not at all (the required
		// fields come first), so a problem it finds in another field is in an earlier one.
		if err == nil || verr.(*FieldError).Field != err.Field {
			return Event{}, verr
		}
	}
	if err != nil {
		return Event{}, err
	}
	return e, nil
}

// notOwnerReason is the reason ParseOwned refuses an event naming another user.
const notOwnerReason = "must be the token's owner or absent"

// ParseOwned parses an event sent with an owner's credentials (a reporting token): user_id may be
// absent, and is then the owner; an event naming any other user is refused with a *FieldError on
// user_id. Every other rule is Parse's, so what the ingest endpoint accepts, the status-updater
// accepts.
func ParseOwned(body []byte, owner string) (Event, error) {
	if len(body) > MaxBodySize {
		return Event{}, fieldErr(FieldBody, bodyTooLarge)
	}
	if !utf8.Valid(body) {
		return Event{}, fieldErr(FieldBody, "must be valid UTF-8")
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil || raw == nil {
		return Event{}, &FieldError{Field: FieldBody, Reason: "must be a JSON object", Err: err}
	}
	if _, ok := present(raw, FieldUserID); !ok {
		raw[FieldUserID], _ = json.Marshal(owner)
	} else if u, ferr := stringField(raw, FieldUserID); ferr != nil || u != owner {
		return Event{}, fieldErr(FieldUserID, notOwnerReason)
	}
	return parseRaw(raw)
}

// decode fills an event from raw, one field at a time in the order of the package
// documentation, and stops at the first value of the wrong type or form (the value checks
// are Validate's).
func decode(raw map[string]json.RawMessage) (e Event, err *FieldError) {
	if e.RequestID, err = stringField(raw, "request_id"); err != nil {
		return e, err
	}
	if e.UserID, err = stringField(raw, "user_id"); err != nil {
		return e, err
	}
	status, err := stringField(raw, "status")
	if err != nil {
		return e, err
	}
	if status == "" {
		return e, fieldErr("status", "is required")
	}
	st, ok := job.ParseStatus(status)
	if !ok {
		return e, fieldErr("status", job.MustBeOneOf)
	}
	e.Status = st
	if e.EventTime, err = timeField(raw, "event_time"); err != nil {
		return e, err
	}
	if e.Seq, err = seqField(raw, "seq"); err != nil {
		return e, err
	}
	if e.Progress, err = progressField(raw, "progress"); err != nil {
		return e, err
	}
	if e.Message, err = stringField(raw, "message"); err != nil {
		return e, err
	}
	if e.Error, err = stringField(raw, "error"); err != nil {
		return e, err
	}
	if e.Name, err = stringField(raw, FieldName); err != nil {
		return e, err
	}
	e.StallAfter, err = stallAfterField(raw, FieldStallAfter)
	return e, err
}

// stallAfterField reads a whole number of seconds; Validate checks its bounds.
func stallAfterField(raw map[string]json.RawMessage, key string) (time.Duration, *FieldError) {
	if _, ok := present(raw, key); !ok {
		return 0, nil
	}
	n, err := seqField(raw, key)
	if err != nil || n == 0 || n > uint64(MaxStallAfter/time.Second) { // 0 would mean "absent"
		return 0, fieldErr(key, stallAfterRule)
	}
	return time.Duration(n) * time.Second, nil
}

// present returns the raw value of key, or false when it is absent or null.
func present(raw map[string]json.RawMessage, key string) (json.RawMessage, bool) {
	v, ok := raw[key]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

func stringField(raw map[string]json.RawMessage, key string) (string, *FieldError) {
	v, ok := present(raw, key)
	if !ok {
		return "", nil
	}
	var s string
	if v[0] != '"' || json.Unmarshal(v, &s) != nil {
		return "", fieldErr(key, "must be a string")
	}
	return s, nil
}

// timeField returns the zero time for an absent or empty time: Validate requires one.
func timeField(raw map[string]json.RawMessage, key string) (time.Time, *FieldError) {
	s, ferr := stringField(raw, key)
	if ferr != nil || s == "" {
		return time.Time{}, ferr
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err == nil && !strictTail(s) {
		err = errors.New("fraction or offset out of RFC 3339 form")
	}
	if err != nil {
		return time.Time{}, &FieldError{Field: key, Reason: "must be an RFC 3339 time", Err: err}
	}
	return t.UTC().Truncate(time.Microsecond), nil
}

func seqField(raw map[string]json.RawMessage, key string) (uint64, *FieldError) {
	v, ok := present(raw, key)
	if !ok {
		return 0, nil
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return 0, fieldErr(key, "must be a non-negative integer")
		}
	}
	n, err := strconv.ParseUint(string(v), 10, 64)
	if err != nil { // beyond uint64; Validate refuses the rest above MaxSeq
		return 0, fieldErr(key, "must be at most 2^53-1")
	}
	return n, nil
}

func progressField(raw map[string]json.RawMessage, key string) (*float64, *FieldError) {
	v, ok := present(raw, key)
	if !ok {
		return nil, nil
	}
	var p float64
	if c := v[0]; c != '-' && (c < '0' || c > '9') {
		return nil, fieldErr(key, "must be a number from 0 to 100")
	}
	if err := json.Unmarshal(v, &p); err != nil {
		return nil, &FieldError{Field: key, Reason: "must be a number from 0 to 100", Err: err}
	}
	if p < 0 || p > 100 { // checked before rounding: -0.0000001 is refused, not rounded to 0
		return nil, fieldErr(key, "must be a number from 0 to 100")
	}
	p = RoundProgress(p)
	return &p, nil
}

// strictTail checks what time.Parse lets through after the seconds: a fraction must be '.' and
// 1-9 digits (Go also takes ',' and more digits), an offset must be Z or ±hh:mm with hh <= 23
// and mm <= 59 (Go takes up to +24:59).
func strictTail(s string) bool {
	if len(s) < len("2006-01-02T15:04:05Z") {
		return false
	}
	tail := s[len("2006-01-02T15:04:05"):]
	if tail[0] == '.' {
		n := 1
		for n < len(tail) && '0' <= tail[n] && tail[n] <= '9' {
			n++
		}
		if n == 1 || n > 10 {
			return false
		}
		tail = tail[n:]
	}
	if tail == "Z" {
		return true
	}
	if len(tail) != len("+07:00") || tail[0] != '+' && tail[0] != '-' || tail[3] != ':' {
		return false
	}
	hh, err1 := strconv.Atoi(tail[1:3])
	mm, err2 := strconv.Atoi(tail[4:6])
	return err1 == nil && err2 == nil && hh <= 23 && mm <= 59
}
