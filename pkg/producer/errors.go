package producer

import (
	"errors"
	"fmt"
	"strings"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// ErrNotSent matches every error of Send and SendBatch about events that were not sent
// (invalid events also match trainevent.ErrInvalid).
var ErrNotSent = errors.New("producer: event not sent")

// EntryError is a failed entry of a SendMessageBatch response.
type EntryError struct {
	Code        string
	Message     string
	SenderFault bool // the request was wrong: retrying cannot help
}

func (e *EntryError) Error() string {
	return fmt.Sprintf("sqs entry failed: %s: %s (sender fault %v)", e.Code, e.Message, e.SenderFault)
}

// FailedEvent is an event SendBatch did not send.
type FailedEvent struct {
	Index    int // in the slice given to SendBatch
	Event    trainevent.Event
	Attempts int   // calls made for it (0 when it was invalid)
	Err      error // a *trainevent.FieldError, an *EntryError, or the error of the last call
}

// BatchError lists the events SendBatch did not send, in the order given. It matches ErrNotSent,
// and (through Unwrap) the errors of its events.
type BatchError struct {
	Failed []FailedEvent
	Total  int // events given to SendBatch
}

func (e *BatchError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "producer: %d of %d events not sent", len(e.Failed), e.Total)
	for i, f := range e.Failed {
		if i == 3 {
			fmt.Fprintf(&b, "; and %d more", len(e.Failed)-i)
			break
		}
		fmt.Fprintf(&b, "; #%d (%s %s): %v", f.Index, f.Event.RequestID, f.Event.Status, f.Err)
	}
	return b.String()
}

// Is reports whether target is ErrNotSent.
func (e *BatchError) Is(target error) bool { return target == ErrNotSent }

// Unwrap returns the error of every failed event.
func (e *BatchError) Unwrap() []error {
	errs := make([]error, len(e.Failed))
	for i, f := range e.Failed {
		errs[i] = f.Err
	}
	return errs
}

// sendError wraps the error of Send.
type sendError struct {
	event    trainevent.Event
	attempts int
	err      error
}

func (e *sendError) Error() string {
	if e.attempts == 0 {
		return fmt.Sprintf("producer: event %s %s not sent: %v", e.event.RequestID, e.event.Status, e.err)
	}
	return fmt.Sprintf("producer: event %s %s not sent after %d attempts: %v", e.event.RequestID, e.event.Status, e.attempts, e.err)
}

func (e *sendError) Is(target error) bool { return target == ErrNotSent }
func (e *sendError) Unwrap() error        { return e.err }
