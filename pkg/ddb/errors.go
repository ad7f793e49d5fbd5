package ddb

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/trainstatus/trainstatus/pkg/awserr"
)

// Sentinel errors. Every error returned by a Table wraps one of these or an SDK error, inside an
// [*OpError] that names the operation, the table and the key.
var (
	// ErrNotFound: the item with that key does not exist.
	ErrNotFound = errors.New("ddb: item not found")
	// ErrAlreadyExists: Create found an item with that key.
	ErrAlreadyExists = errors.New("ddb: item already exists")
	// ErrConditionFailed: the caller's condition was false. The error is a
	// [*ConditionFailedError] that carries the current item.
	ErrConditionFailed = errors.New("ddb: condition failed")
	// ErrInvalidItem: the request was refused before any call (bad enum value, key update, ...).
	ErrInvalidItem = errors.New("ddb: invalid item")
	// ErrInvalidRequest: the request itself is malformed, whatever the item: an index the schema
	// does not have, an update that changes nothing, a consistent read of a GSI, a page without
	// a cursor codec. Refused before any call.
	ErrInvalidRequest = errors.New("ddb: invalid request")
	// ErrInvalidSchema: a Definition does not fit its item type.
	ErrInvalidSchema = errors.New("ddb: invalid schema")
	// ErrInvalidCursor: a page cursor was changed, truncated or made for another query.
	ErrInvalidCursor = errors.New("ddb: invalid cursor")
	// ErrUnprocessed: a batch operation gave up with items left; see [*UnprocessedError].
	ErrUnprocessed = errors.New("ddb: unprocessed items left")
)

// OpError says which operation on which table and key failed, and why (Err).
type OpError struct {
	Op    string // "GetItem", "UpdateItem", ...
	Table string
	Key   Key // zero for operations without a single key
	Err   error
}

func (e *OpError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "ddb: %s %s", e.Op, e.Table)
	if !e.Key.IsZero() {
		fmt.Fprintf(&b, " %s", e.Key)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *OpError) Unwrap() error { return e.Err }

// InvalidValueError: an attribute was given a value outside its enum. It wraps ErrInvalidItem.
type InvalidValueError struct {
	Attribute string
	Value     string
}

func (e *InvalidValueError) Error() string {
	return fmt.Sprintf("invalid value %q for attribute %q", e.Value, e.Attribute)
}

func (e *InvalidValueError) Unwrap() error { return ErrInvalidItem }

// ConditionFailedError is returned when a write's condition was false. Current holds the item as
// it was when the condition was checked (DynamoDB's ReturnValuesOnConditionCheckFailure=ALL_OLD),
// so the caller can decide what to do without a second read. Exists is false when there was no
// item. It matches ErrConditionFailed with errors.Is.
type ConditionFailedError[T any] struct {
	Current T
	Exists  bool
}

func (e *ConditionFailedError[T]) Error() string {
	if !e.Exists {
		return "condition failed (no current item)"
	}
	return "condition failed"
}

func (e *ConditionFailedError[T]) Is(target error) bool { return target == ErrConditionFailed }

// CurrentItem returns the item carried by a condition failure anywhere in err's chain.
func CurrentItem[T any](err error) (T, bool) {
	var cf *ConditionFailedError[T]
	if errors.As(err, &cf) && cf.Exists {
		return cf.Current, true
	}
	var zero T
	return zero, false
}

// UnprocessedError is returned by batch operations that still had items left after their retries.
// It matches ErrUnprocessed with errors.Is.
type UnprocessedError struct {
	Keys []Key // items DynamoDB did not process; for BatchWrite puts, the keys of those items
}

func (e *UnprocessedError) Error() string {
	return fmt.Sprintf("%d items unprocessed after retries", len(e.Keys))
}

func (e *UnprocessedError) Is(target error) bool { return target == ErrUnprocessed }

// IsRetryable reports whether err is worth retrying later: throttling, a server error, a timeout,
// a broken connection or a cancelled call. Condition failures, refused requests, missing items and
// other faults of the request itself are not. Unknown errors count as retryable, so that a message
// is redelivered (and finally dead-lettered by the queue) rather than lost.
func IsRetryable(err error) bool {
	if err == nil {
		return false
	}
	for _, final := range []error{ErrNotFound, ErrAlreadyExists, ErrConditionFailed, ErrInvalidItem, ErrInvalidRequest, ErrInvalidSchema, ErrInvalidCursor} {
		if errors.Is(err, final) {
			return false
		}
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	return awserr.Transient(err) != aws.FalseTernary
}
