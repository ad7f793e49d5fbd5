package trainevent

import (
	"errors"
	"fmt"
)

// ErrInvalid matches (errors.Is) every error that reports an invalid event.
var ErrInvalid = errors.New("trainevent: invalid event")

// FieldBody is the Field of a [FieldError] about the body as a whole (not JSON, too large, ...).
const FieldBody = "body"

// Field names of the optional fields added with reporting tokens (the JSON keys).
const (
	FieldUserID     = "user_id"
	FieldName       = "name"
	FieldStallAfter = "stall_after_seconds"
)

// FieldError says which field of an event is invalid, and why. It matches [ErrInvalid].
type FieldError struct {
	Field  string // the JSON key ("request_id", ...) or FieldBody
	Reason string // what is wrong, for people: "must be at most 1024 bytes"
	Err    error  // the underlying cause, if any (a *json.SyntaxError, a *time.ParseError, ...)
}

func (e *FieldError) Error() string {
	return fmt.Sprintf("trainevent: invalid event: %s: %s", e.Field, e.Reason)
}

// Is reports whether target is ErrInvalid.
func (e *FieldError) Is(target error) bool { return target == ErrInvalid }

// Unwrap returns the underlying cause.
func (e *FieldError) Unwrap() error { return e.Err }

func fieldErr(field, reason string) *FieldError { return &FieldError{Field: field, Reason: reason} }
