package main

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/trainstatus/trainstatus/pkg/deadletter"
)

// TestPoisonThatCannotBeSentVerbatim (issue 12.3): SQS refuses an empty body, and a body whose
// size plus the reason attributes exceeds 256 KiB (seen at 262,134 bytes). Each still reaches the
// dead-letter queue (fauxqs, a queue of 256 KiB) at once with its reason: a placeholder body for
// the empty one, the body cut to fit for the large one, each with the original's size and
// SHA-256. Before, the send failed, the message was retried, and SQS's redrive finally moved it
// with no reason.
func TestPoisonThatCannotBeSentVerbatim(t *testing.T) {
	cases := []struct {
		name   string
		body   string
		reason string
	}{
		{"empty body", "", "body: must be a JSON object"},
		{"262,134-byte body", `{"request_id":"job-big","message":"` + strings.Repeat("x", 262134-len(`{"request_id":"job-big","message":""}`)) + `"}`,
			"body: must be at most 65536 bytes"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.body != "" && len(tc.body) != 262134 {
				t.Fatalf("body of %d bytes", len(tc.body))
			}
			f := newFixture(t)
			resp := f.handle(sqsEvent("arn:aws:sqs:us-east-1:1:q",
				events.SQSMessage{MessageId: "m-1", Body: tc.body, Attributes: map[string]string{"ApproximateReceiveCount": "1"}}))
			if len(resp.BatchItemFailures) != 0 {
				t.Fatalf("reported for retry; logs:\n%s", f.logs)
			}
			dead := f.dlq.all()
			if len(dead) != 1 {
				t.Fatalf("%d dead-letter messages, want 1", len(dead))
			}
			m := dead[0]
			sum := sha256.Sum256([]byte(tc.body))
			if m.OriginalMessageID != "m-1" || !strings.Contains(m.Reason, tc.reason) || m.Verbatim() ||
				m.OriginalBodySize != len(tc.body) || m.OriginalBodySHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("got %s reason %q verbatim %v size %d sha %s; want m-1, %q, a replaced body of %d bytes with sha %x",
					m.OriginalMessageID, m.Reason, m.Verbatim(), m.OriginalBodySize, m.OriginalBodySHA256, tc.reason, len(tc.body), sum)
			}
			switch {
			case tc.body == "" && m.Body != deadletter.EmptyBodyPlaceholder:
				t.Errorf("body %q, want the placeholder", m.Body)
			case tc.body != "" && (!strings.HasPrefix(tc.body, m.Body) || len(m.Body) < deadletter.MaxMessageBytes-1024):
				t.Errorf("body of %d bytes is not the original cut to fit", len(m.Body))
			}
		})
	}
}
