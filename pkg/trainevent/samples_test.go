package trainevent

import (
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

const samplesGlob = "../../events/sqs/*.json"

// poisonField is the field each message of poison.json is refused for.
var poisonField = map[string]string{
	"f0a80001-0000-4000-8000-000000000001": FieldBody,    // truncated JSON
	"f0a80001-0000-4000-8000-000000000002": "user_id",    // missing user_id
	"f0a80001-0000-4000-8000-000000000003": "status",     // RUNNING
	"f0a80001-0000-4000-8000-000000000004": "progress",   // 150
	"f0a80001-0000-4000-8000-000000000005": "message",    // 1032 bytes
	"f0a80001-0000-4000-8000-000000000006": "request_id", // space and slash
	"f0a80001-0000-4000-8000-000000000007": "event_time", // missing
	"f0a80001-0000-4000-8000-000000000008": "event_time", // not RFC 3339
	"f0a80001-0000-4000-8000-000000000009": "seq",        // 1.5
	"f0a80001-0000-4000-8000-000000000010": FieldBody,    // a JSON array
}

func loadSamples(t testing.TB) map[string]events.SQSEvent {
	t.Helper()
	files, err := filepath.Glob(samplesGlob)
	if err != nil || len(files) == 0 {
		t.Fatalf("no sample events at %s (%v)", samplesGlob, err)
	}
	out := map[string]events.SQSEvent{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var ev events.SQSEvent
		if err := json.Unmarshal(b, &ev); err != nil || len(ev.Records) == 0 {
			t.Fatalf("%s: not an SQS event with records: %v", f, err)
		}
		out[filepath.Base(f)] = ev
	}
	return out
}

func sampleBodies(t testing.TB) [][]byte {
	var bodies [][]byte
	for _, ev := range loadSamples(t) {
		for _, r := range ev.Records {
			bodies = append(bodies, []byte(r.Body))
		}
	}
	return bodies
}

func TestSampleEvents(t *testing.T) {
	samples := loadSamples(t)
	for _, name := range []string{"clean-run.json", "duplicates.json", "out-of-order.json", "poison.json", "fifo.json"} {
		if _, ok := samples[name]; !ok {
			t.Errorf("events/sqs/%s is missing", name)
		}
	}
	for name, ev := range samples {
		for _, r := range ev.Records {
			t.Run(name+"/"+r.MessageId, func(t *testing.T) {
				if r.EventSource != "aws:sqs" || !strings.HasPrefix(r.EventSourceARN, "arn:aws:sqs:us-east-1:123456789012:training-events") {
					t.Errorf("source = %q %q", r.EventSource, r.EventSourceARN)
				}
				fifo := strings.HasSuffix(r.EventSourceARN, ".fifo")
				if fifo != (name == "fifo.json") {
					t.Errorf("eventSourceARN %q in %s", r.EventSourceARN, name)
				}
				if sum := md5.Sum([]byte(r.Body)); hex.EncodeToString(sum[:]) != r.Md5OfBody {
					t.Errorf("md5OfBody %s is not the MD5 of the body", r.Md5OfBody)
				}
				e, err := Parse([]byte(r.Body))
				if name != "poison.json" {
					if err != nil {
						t.Fatalf("valid sample refused: %v", err)
					}
					if fifo && r.Attributes["MessageGroupId"] != e.RequestID {
						t.Errorf("MessageGroupId = %q, want the request id %q", r.Attributes["MessageGroupId"], e.RequestID)
					}
					return
				}
				var fe *FieldError
				if !errors.As(err, &fe) {
					t.Fatalf("poison message accepted: %+v", e)
				}
				if want, ok := poisonField[r.MessageId]; !ok || fe.Field != want {
					t.Errorf("refused for %q (%v), want %q", fe.Field, err, want)
				}
			})
		}
	}
	if got := len(samples["poison.json"].Records); got != len(poisonField) {
		t.Errorf("poison.json has %d records, the table %d", got, len(poisonField))
	}
}
