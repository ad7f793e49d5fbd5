package deadletter

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// received turns a send request into the message ReceiveMessage would return.
func received(m Outgoing, sentAt time.Time, receives string) Received {
	attrs := map[string]string{
		SysSentTimestamp:           strconv.FormatInt(sentAt.UnixMilli(), 10),
		SysApproximateReceiveCount: receives,
	}
	if m.GroupID != "" {
		attrs[SysMessageGroupID] = m.GroupID
	}
	return Received{MessageID: "dlq-msg-1", ReceiptHandle: "rh-1", Body: m.Body,
		MessageAttributes: values(m.Attributes), Attributes: attrs}
}

// values are the attributes' values, as Received holds them.
func values(attrs map[string]Attribute) map[string]string {
	out := map[string]string{}
	for name, a := range attrs {
		out[name] = a.StringValue
	}
	return out
}

func TestBuildThenParse(t *testing.T) {
	failedAt := time.Date(2026, 11, 24, 10, 0, 5, 123456789, time.UTC)
	sentAt := failedAt.Add(20 * time.Millisecond)
	rec := Record{Body: `{"request_id":"job-1","status":"RUNNING"}`, Reason: "trainevent: invalid event: status: must be one of ...",
		MessageID: "0f1e-orig", ReceiveCount: 3, RequestID: "job-1", FailedAt: failedAt}
	in := Build("https://sqs.us-east-1.amazonaws.com/123456789012/training-events-dlq", rec)
	if in.Body != rec.Body || in.GroupID != "" || in.DeduplicationID != "" {
		t.Fatalf("standard queue input: %+v", in)
	}
	if got := in.Attributes[AttrReceiveCount].DataType; got != "Number" {
		t.Fatalf("receive_count DataType = %q", got)
	}
	m, err := Parse(received(in, sentAt, "2"))
	if err != nil {
		t.Fatal(err)
	}
	want := Message{MessageID: "dlq-msg-1", ReceiptHandle: "rh-1", Body: rec.Body, Reason: rec.Reason,
		OriginalMessageID: "0f1e-orig", ReceiveCount: 3, RequestID: "job-1",
		FailedAt: failedAt.Truncate(time.Microsecond), SentAt: sentAt.Truncate(time.Millisecond), DLQReceiveCount: 2}
	if m != want {
		t.Fatalf("Parse =\n%+v\nwant\n%+v", m, want)
	}
	if age := m.Age(m.FailedAt.Add(time.Hour)); age != time.Hour {
		t.Fatalf("Age = %v, want 1h", age)
	}
}

func TestAttributesOptionalAndDefaults(t *testing.T) {
	before := time.Now()
	attrs := Attributes(Record{Body: "x", ReceiveCount: -1})
	if _, ok := attrs[AttrRequestID]; ok {
		t.Error("request_id set with no request id")
	}
	if _, ok := attrs[AttrOriginalMessageID]; ok {
		t.Error("original_message_id set with no message id")
	}
	if got := attrs[AttrReason].StringValue; got != "unspecified" {
		t.Errorf("reason = %q", got)
	}
	if got := attrs[AttrReceiveCount].StringValue; got != "0" {
		t.Errorf("receive_count = %q", got)
	}
	m, err := Parse(Received{MessageAttributes: values(attrs)})
	if err != nil || m.FailedAt.Before(before.Truncate(time.Microsecond)) || m.FailedAt.After(time.Now()) {
		t.Errorf("failed_at = %v (%v), want about now", m.FailedAt, err)
	}
	if len(attrs) > 10 {
		t.Errorf("%d attributes; SQS allows 10", len(attrs))
	}
	for name, v := range attrs {
		if v.StringValue == "" {
			t.Errorf("attribute %s is empty; SQS refuses empty values", name)
		}
	}
}

func TestReasonAndRequestIDAreBoundedAndValid(t *testing.T) {
	tests := []struct {
		name, in string
		max      int
		want     string // "" means: check only the bounds
	}{
		{"short reason kept", "status: bad", MaxReasonLen, "status: bad"},
		{"control characters replaced", "a\x00b\x1bc\td\ne", MaxReasonLen, "a\uFFFDb\uFFFDc\td\ne"},
		{"invalid UTF-8 replaced", "a\xffb", MaxReasonLen, "a\uFFFDb"},
		{"non-characters replaced", "a\uFFFEb", MaxReasonLen, "a\uFFFDb"},
		{"long ASCII reason cut", strings.Repeat("x", 5000), MaxReasonLen, strings.Repeat("x", MaxReasonLen-3) + "…"},
		{"long multibyte reason cut on a boundary", strings.Repeat("é", 2000), MaxReasonLen, ""},
		{"long request id cut", strings.Repeat("r", 300), MaxRequestIDLen, strings.Repeat("r", MaxRequestIDLen-3) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := clean(tt.in, tt.max)
			if tt.want != "" && got != tt.want {
				t.Fatalf("clean = %q, want %q", got, tt.want)
			}
			if len(got) > tt.max || !utf8.ValidString(got) {
				t.Fatalf("clean = %d bytes, valid UTF-8 %v", len(got), utf8.ValidString(got))
			}
		})
	}
	attrs := Attributes(Record{Reason: strings.Repeat("\x01", 4000), RequestID: "job 1/\x00"})
	if r := attrs[AttrReason].StringValue; len(r) > MaxReasonLen || strings.ContainsRune(r, 1) {
		t.Errorf("reason not cleaned: %d bytes", len(r))
	}
	if r := attrs[AttrRequestID].StringValue; r != "job 1/\uFFFD" {
		t.Errorf("request_id = %q", r)
	}
}

func TestBuildFIFO(t *testing.T) {
	url := "https://sqs.us-east-1.amazonaws.com/123456789012/training-events-dlq.fifo"
	a := Build(url, Record{Body: "b", MessageID: "m1", RequestID: "job-1"})
	b := Build(url, Record{Body: "b", MessageID: "m1", RequestID: "job-1", Reason: "other"})
	c := Build(url, Record{Body: "b", MessageID: "m2", RequestID: "bad id\x00"})
	if a.GroupID != "job-1" || c.GroupID != "unknown-request" {
		t.Errorf("groups = %q, %q", a.GroupID, c.GroupID)
	}
	if a.DeduplicationID != b.DeduplicationID || a.DeduplicationID == c.DeduplicationID {
		t.Errorf("dedup ids: same message %q %q, other message %q", a.DeduplicationID, b.DeduplicationID, c.DeduplicationID)
	}
	if n := len(a.DeduplicationID); n == 0 || n > 128 {
		t.Errorf("dedup id length %d", n)
	}
}

func TestParseRedrivePolicyMessage(t *testing.T) {
	m, err := Parse(Received{
		MessageID: "m", Body: "{}",
		Attributes: map[string]string{"SentTimestamp": "1795946400000", "DeadLetterQueueSourceArn": "arn:aws:sqs:us-east-1:123456789012:training-events"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Reason != "" || m.SourceARN == "" || !m.FailedAt.IsZero() {
		t.Fatalf("got %+v", m)
	}
	if age := m.Age(m.SentAt.Add(time.Minute)); age != time.Minute {
		t.Fatalf("Age from SentAt = %v", age)
	}
	if (Message{}).Age(time.Now()) != 0 {
		t.Fatal("Age of a message with no times is not 0")
	}
}

func TestParseMalformed(t *testing.T) {
	m, err := Parse(Received{
		MessageAttributes: map[string]string{AttrReason: "why", AttrReceiveCount: "many", AttrFailedAt: "yesterday"},
		Attributes:        map[string]string{"SentTimestamp": "x", "ApproximateReceiveCount": "1"},
	})
	if !errors.Is(err, ErrMalformed) {
		t.Fatalf("err = %v, want ErrMalformed", err)
	}
	for _, name := range []string{AttrReceiveCount, AttrFailedAt, "SentTimestamp"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error %q does not name %s", err, name)
		}
	}
	if m.Reason != "why" || m.ReceiveCount != 0 || !m.FailedAt.IsZero() || !m.SentAt.IsZero() || m.DLQReceiveCount != 1 {
		t.Fatalf("best-effort message wrong: %+v", m)
	}
}
