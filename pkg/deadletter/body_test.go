package deadletter

import (
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// TestBodiesThatCannotBeSentAsTheyAre: SQS refuses an empty body, and a body whose size plus the
// attributes exceeds MaxMessageBytes (issue 12.3, seen at 262,134 bytes). Each is replaced, and
// the attributes say by what; a body that fits is sent unchanged, with no such attribute.
func TestBodiesThatCannotBeSentAsTheyAre(t *testing.T) {
	rec := Record{Reason: "trainevent: invalid event: body: must be at most 65536 bytes", MessageID: "m-1",
		ReceiveCount: 1, FailedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
	fits := MaxMessageBytes - attributesSize(Attributes(rec))
	cases := []struct {
		name     string
		body     string
		verbatim bool
		wantBody func(body string) string // for a replaced body
	}{
		{"small body unchanged", `{"request_id":"job-1"}`, true, nil},
		{"body that exactly fits unchanged", strings.Repeat("x", fits), true, nil},
		{"empty body: placeholder", "", false, func(string) string { return EmptyBodyPlaceholder }},
		{"one byte too large: cut", strings.Repeat("x", fits+1), false, nil},
		{"262,134 bytes: cut", strings.Repeat("y", 262134), false, nil},
		{"multibyte body cut on a character boundary", strings.Repeat("é", 200000), false, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := rec
			r.Body = tc.body
			in := Build("https://sqs.us-east-1.amazonaws.com/123456789012/training-events-dlq", r)
			body := in.Body
			if total := len(body) + attributesSize(in.Attributes); total > MaxMessageBytes || body == "" {
				t.Fatalf("message of %d bytes (body %d), SQS accepts 1..%d", total, len(body), MaxMessageBytes)
			}
			if !utf8.ValidString(body) {
				t.Fatal("body is not valid UTF-8")
			}
			m, err := Parse(received(in, rec.FailedAt, "1"))
			if err != nil {
				t.Fatal(err)
			}
			if m.Verbatim() != tc.verbatim || m.Reason != rec.Reason {
				t.Fatalf("Verbatim %v, reason %q; want %v, %q", m.Verbatim(), m.Reason, tc.verbatim, rec.Reason)
			}
			if tc.verbatim {
				if body != tc.body || m.OriginalBodySize != 0 {
					t.Errorf("body of %d bytes sent as %d bytes, size attribute %d", len(tc.body), len(body), m.OriginalBodySize)
				}
				return
			}
			sum := sha256.Sum256([]byte(tc.body))
			if m.OriginalBodySize != len(tc.body) || m.OriginalBodySHA256 != hex.EncodeToString(sum[:]) {
				t.Errorf("original size %d sha %s; want %d %x", m.OriginalBodySize, m.OriginalBodySHA256, len(tc.body), sum)
			}
			switch {
			case tc.wantBody != nil && body != tc.wantBody(tc.body):
				t.Errorf("body %q, want %q", body, tc.wantBody(tc.body))
			case tc.wantBody == nil && (!strings.HasPrefix(tc.body, body) || len(body) < MaxMessageBytes-attributesSize(in.Attributes)-utf8.UTFMax):
				t.Errorf("body of %d bytes is not the original cut to what fits", len(body))
			}
		})
	}
}
