package deadletter

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// Record is what the status-updater knows about a message it gives up on.
type Record struct {
	Body         string    // the original body, sent unchanged unless it is empty or too large
	Reason       string    // why; cut to MaxReasonLen bytes, "unspecified" when empty
	MessageID    string    // the original message id; omitted when empty
	ReceiveCount int       // the original's ApproximateReceiveCount
	RequestID    string    // omitted when empty (the body named none); cut to MaxRequestIDLen
	FailedAt     time.Time // zero means time.Now()
}

// Attribute is a message attribute's value: SQS's String or Number data type.
type Attribute struct {
	DataType    string // "String" or "Number"
	StringValue string
}

// Outgoing is the SendMessage request that dead-letters a message.
type Outgoing struct {
	QueueURL   string
	Body       string
	Attributes map[string]Attribute
	// GroupID and DeduplicationID are set on a FIFO queue only.
	GroupID, DeduplicationID string
}

// Attributes returns the message attributes of r, every value valid for SQS (see the package
// documentation).
func Attributes(r Record) map[string]Attribute {
	reason := clean(r.Reason, MaxReasonLen)
	if reason == "" {
		reason = "unspecified"
	}
	failedAt := r.FailedAt
	if failedAt.IsZero() {
		failedAt = time.Now()
	}
	attrs := map[string]Attribute{
		AttrReason:       str(reason),
		AttrReceiveCount: number(max(r.ReceiveCount, 0)),
		AttrFailedAt:     str(job.FormatTime(failedAt)),
	}
	if id := clean(r.MessageID, 256); id != "" {
		attrs[AttrOriginalMessageID] = str(id)
	}
	if id := clean(r.RequestID, MaxRequestIDLen); id != "" {
		attrs[AttrRequestID] = str(id)
	}
	return attrs
}

func str(s string) Attribute { return Attribute{DataType: "String", StringValue: s} }

func number(n int) Attribute { return Attribute{DataType: "Number", StringValue: strconv.Itoa(n)} }

// Build returns the SendMessage request that dead-letters r on queueURL: r.Body with the
// attributes of r, or, for an empty body or one too large to send beside them, a placeholder or
// the body cut to fit, with the original's size and SHA-256 (see the package documentation). On a
// FIFO queue
// (URL ending in ".fifo") the group is the request id (or "unknown-request") and the
// deduplication id is derived from the original message id, so sending the same message twice
// within the deduplication window leaves one copy.
func Build(queueURL string, r Record) Outgoing {
	attrs := Attributes(r)
	out := Outgoing{QueueURL: queueURL, Body: fitBody(r.Body, attrs), Attributes: attrs}
	if IsFIFO(queueURL) {
		group := "unknown-request"
		if ValidGroupID(r.RequestID) {
			group = r.RequestID
		}
		key := r.MessageID
		if key == "" {
			key = r.Body
		}
		sum := sha256.Sum256([]byte("dead-letter\x00" + key))
		out.GroupID = group
		out.DeduplicationID = hex.EncodeToString(sum[:])
	}
	return out
}

// IsFIFO reports whether queueURL names a FIFO queue.
func IsFIFO(queueURL string) bool { return strings.HasSuffix(queueURL, ".fifo") }

// ValidGroupID reports whether s may be a MessageGroupId: 1-128 characters of ASCII letters,
// digits and punctuation.
func ValidGroupID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}
