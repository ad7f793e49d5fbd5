package deadletter

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// received turns a send request into the message ReceiveMessage would return.
func received(in *sqs.SendMessageInput, sentAt time.Time, receives string) types.Message {
	attrs := map[string]string{
		"SentTimestamp":           strconv.FormatInt(sentAt.UnixMilli(), 10),
		"ApproximateReceiveCount": receives,
	}
	if in.MessageGroupId != nil {
		attrs["MessageGroupId"] = *in.MessageGroupId
	}
	return types.Message{
		MessageId: aws.String("dlq-msg-1"), ReceiptHandle: aws.String("rh-1"), Body: in.MessageBody,
		MessageAttributes: in.MessageAttributes, Attributes: attrs,
	}
}

func TestSendInputThenParse(t *testing.T) {
	failedAt := time.Date(2026, 11, 24, 10, 0, 5, 123456789, time.UTC)
	sentAt := failedAt.Add(20 * time.Millisecond)
	rec := Record{Body: `{"request_id":"job-1","status":"RUNNING"}`, Reason: "trainevent: invalid event: status: must be one of ...",
		MessageID: "0f1e-orig", ReceiveCount: 3, RequestID: "job-1", FailedAt: failedAt}
	in := SendInput("https://sqs.us-east-1.amazonaws.com/123456789012/training-events-dlq", rec)
	if *in.MessageBody != rec.Body || in.MessageGroupId != nil || in.MessageDeduplicationId != nil {
		t.Fatalf("standard queue input: %+v", in)
	}
	if got := *in.MessageAttributes[AttrReceiveCount].DataType; got != "Number" {
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
	if got := *attrs[AttrReason].StringValue; got != "unspecified" {
		t.Errorf("reason = %q", got)
	}
	if got := *attrs[AttrReceiveCount].StringValue; got != "0" {
		t.Errorf("receive_count = %q", got)
	}
	m, err := Parse(types.Message{MessageAttributes: attrs})
	if err != nil || m.FailedAt.Before(before.Truncate(time.Microsecond)) || m.FailedAt.After(time.Now()) {
		t.Errorf("failed_at = %v (%v), want about now", m.FailedAt, err)
	}
	if len(attrs) > 10 {
		t.Errorf("%d attributes; SQS allows 10", len(attrs))
	}
	for name, v := range attrs {
		if v.StringValue == nil || *v.StringValue == "" {
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
	if r := *attrs[AttrReason].StringValue; len(r) > MaxReasonLen || strings.ContainsRune(r, 1) {
		t.Errorf("reason not cleaned: %d bytes", len(r))
	}
	if r := *attrs[AttrRequestID].StringValue; r != "job 1/\uFFFD" {
		t.Errorf("request_id = %q", r)
	}
}

func TestSendInputFIFO(t *testing.T) {
	url := "https://sqs.us-east-1.amazonaws.com/123456789012/training-events-dlq.fifo"
	a := SendInput(url, Record{Body: "b", MessageID: "m1", RequestID: "job-1"})
	b := SendInput(url, Record{Body: "b", MessageID: "m1", RequestID: "job-1", Reason: "other"})
	c := SendInput(url, Record{Body: "b", MessageID: "m2", RequestID: "bad id\x00"})
	if *a.MessageGroupId != "job-1" || *c.MessageGroupId != "unknown-request" {
		t.Errorf("groups = %q, %q", *a.MessageGroupId, *c.MessageGroupId)
	}
	if *a.MessageDeduplicationId != *b.MessageDeduplicationId || *a.MessageDeduplicationId == *c.MessageDeduplicationId {
		t.Errorf("dedup ids: same message %q %q, other message %q", *a.MessageDeduplicationId, *b.MessageDeduplicationId, *c.MessageDeduplicationId)
	}
	if n := len(*a.MessageDeduplicationId); n == 0 || n > 128 {
		t.Errorf("dedup id length %d", n)
	}
}

func TestParseRedrivePolicyMessage(t *testing.T) {
	m, err := Parse(types.Message{
		MessageId: aws.String("m"), Body: aws.String("{}"),
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
	m, err := Parse(types.Message{
		MessageAttributes: map[string]types.MessageAttributeValue{
			AttrReason:       {DataType: aws.String("String"), StringValue: aws.String("why")},
			AttrReceiveCount: {DataType: aws.String("Number"), StringValue: aws.String("many")},
			AttrFailedAt:     {DataType: aws.String("String"), StringValue: aws.String("yesterday")},
		},
		Attributes: map[string]string{"SentTimestamp": "x", "ApproximateReceiveCount": "1"},
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
