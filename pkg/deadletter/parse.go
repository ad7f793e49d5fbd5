package deadletter

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// ErrMalformed matches the error Parse returns when an attribute it knows has a value it
// cannot read.
var ErrMalformed = errors.New("deadletter: malformed attribute")

// Message is a message read from the dead-letter queue.
type Message struct {
	MessageID     string // on the dead-letter queue
	ReceiptHandle string
	Body          string

	Reason            string // "" when the queue's redrive policy moved it
	OriginalMessageID string
	ReceiveCount      int // the original's receive count when it was refused
	RequestID         string
	FailedAt          time.Time // zero when unknown
	// OriginalBodySize and OriginalBodySHA256 describe the original body when Body is not it
	// (a placeholder for an empty body, or a cut one): then OriginalBodySHA256 is not empty.
	OriginalBodySize   int
	OriginalBodySHA256 string

	SentAt          time.Time // when it was sent to the dead-letter queue (SentTimestamp)
	DLQReceiveCount int       // how often it was received from the dead-letter queue
	GroupID         string    // MessageGroupId, on a FIFO queue
	SourceARN       string    // DeadLetterQueueSourceArn, when the redrive policy moved it
}

// Verbatim reports whether Body is the original message's body, which a redrive may send again.
func (m Message) Verbatim() bool { return m.OriginalBodySHA256 == "" }

// Age is how long ago the message was dead-lettered: since FailedAt, or since SentAt when
// FailedAt is unknown; zero when neither is known.
func (m Message) Age(now time.Time) time.Duration {
	switch {
	case !m.FailedAt.IsZero():
		return now.Sub(m.FailedAt)
	case !m.SentAt.IsZero():
		return now.Sub(m.SentAt)
	}
	return 0
}

// Received is a message as ReceiveMessage returns it, in plain values.
type Received struct {
	MessageID, ReceiptHandle, Body string
	// Attributes are the system attributes (SystemAttributeNames).
	Attributes map[string]string
	// MessageAttributes are the String and Number message attributes' values.
	MessageAttributes map[string]string
}

// Parse reads a received message. Attributes it cannot read leave their field zero and are
// reported together in an error matching ErrMalformed; the Message is complete otherwise.
func Parse(m Received) (Message, error) {
	out := Message{
		MessageID:     m.MessageID,
		ReceiptHandle: m.ReceiptHandle,
		Body:          m.Body,
		GroupID:       m.Attributes[SysMessageGroupID],
		SourceARN:     m.Attributes[SysDeadLetterQueueSourceARN],
	}
	var errs []error
	bad := func(name, value string, err error) {
		errs = append(errs, fmt.Errorf("%w %s=%q: %w", ErrMalformed, name, value, err))
	}
	attr := func(name string) (string, bool) {
		v, ok := m.MessageAttributes[name]
		return v, ok
	}
	out.Reason, _ = attr(AttrReason)
	out.OriginalMessageID, _ = attr(AttrOriginalMessageID)
	out.RequestID, _ = attr(AttrRequestID)
	if v, ok := attr(AttrReceiveCount); ok {
		if n, err := strconv.Atoi(v); err != nil {
			bad(AttrReceiveCount, v, err)
		} else {
			out.ReceiveCount = n
		}
	}
	out.OriginalBodySHA256, _ = attr(AttrOriginalBodySHA256)
	if v, ok := attr(AttrOriginalBodySize); ok {
		if n, err := strconv.Atoi(v); err != nil {
			bad(AttrOriginalBodySize, v, err)
		} else {
			out.OriginalBodySize = n
		}
	}
	if v, ok := attr(AttrFailedAt); ok {
		t, err := job.ParseTime(v)
		if err != nil {
			bad(AttrFailedAt, v, err)
		}
		out.FailedAt = t
	}
	if v, ok := m.Attributes[SysSentTimestamp]; ok {
		ms, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			bad("SentTimestamp", v, err)
		} else {
			out.SentAt = time.UnixMilli(ms).UTC()
		}
	}
	if v, ok := m.Attributes[SysApproximateReceiveCount]; ok {
		if n, err := strconv.Atoi(v); err != nil {
			bad("ApproximateReceiveCount", v, err)
		} else {
			out.DLQReceiveCount = n
		}
	}
	return out, errors.Join(errs...)
}
