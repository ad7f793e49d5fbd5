package trainevent

import (
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// body returns a valid event body with the given keys replaced; a nil value removes the key,
// a json.RawMessage is written as is.
func body(t testing.TB, over map[string]any) []byte {
	t.Helper()
	m := map[string]any{
		"request_id": "job-123",
		"user_id":    "0f6c1d2e-1111-4a2b-9c3d-123456789abc",
		"status":     "IN_PROGRESS",
		"event_time": "2026-11-24T10:00:05.123456Z",
		"seq":        7,
		"progress":   42.5,
		"message":    "epoch 3/10",
		"error":      "",
	}
	for k, v := range over {
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

type raw = json.RawMessage

func TestParseAccepts(t *testing.T) {
	at := func(s string) time.Time {
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UTC()
	}
	tests := []struct {
		name  string
		body  []byte
		check func(t *testing.T, e Event)
	}{
		{"the issue's example", body(t, nil), func(t *testing.T, e Event) {
			p := 42.5
			want := Event{RequestID: "job-123", UserID: "0f6c1d2e-1111-4a2b-9c3d-123456789abc",
				Status: job.InProgress, EventTime: at("2026-11-24T10:00:05.123456Z"),
				Seq: 7, Progress: &p, Message: "epoch 3/10"}
			if !equal(e, want) {
				t.Fatalf("got %+v, want %+v", e, want)
			}
		}},
		{"only required fields", body(t, map[string]any{"seq": nil, "progress": nil, "message": nil, "error": nil}), func(t *testing.T, e Event) {
			if e.Seq != 0 || e.Progress != nil || e.Message != "" || e.Error != "" {
				t.Fatalf("optional fields not zero: %+v", e)
			}
		}},
		{"optional fields null", body(t, map[string]any{"seq": raw("null"), "progress": raw("null"), "message": raw("null"), "error": raw("null")}), func(t *testing.T, e Event) {
			if e.Seq != 0 || e.Progress != nil || e.Message != "" || e.Error != "" {
				t.Fatalf("optional fields not zero: %+v", e)
			}
		}},
		{"unknown fields ignored", body(t, map[string]any{"extra": map[string]any{"a": []int{1}}, "Request_ID": 5}), func(t *testing.T, e Event) {
			if e.RequestID != "job-123" {
				t.Fatalf("request_id = %q", e.RequestID)
			}
		}},
		{"repeated key: last wins", []byte(`{"request_id":"a","request_id":"b","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"STARTED","event_time":"2026-01-01T00:00:00Z"}`), func(t *testing.T, e Event) {
			if e.RequestID != "b" {
				t.Fatalf("request_id = %q, want b", e.RequestID)
			}
		}},
		{"offset converted to UTC", body(t, map[string]any{"event_time": "2026-11-24T12:30:05.5+02:30"}), func(t *testing.T, e Event) {
			if want := at("2026-11-24T10:00:05.5Z"); !e.EventTime.Equal(want) || e.EventTime.Location() != time.UTC {
				t.Fatalf("event_time = %v, want %v in UTC", e.EventTime, want)
			}
		}},
		{"nanoseconds truncated to microseconds", body(t, map[string]any{"event_time": "2026-11-24T10:00:05.123456999Z"}), func(t *testing.T, e Event) {
			if want := at("2026-11-24T10:00:05.123456Z"); !e.EventTime.Equal(want) {
				t.Fatalf("event_time = %v, want %v", e.EventTime, want)
			}
		}},
		{"offset -00:00 and +23:59", body(t, map[string]any{"event_time": "2026-11-24T10:00:05-00:00"}), nil},
		{"offset +23:59", body(t, map[string]any{"event_time": "2026-11-24T10:00:05.1+23:59"}), nil},
		{"no fraction", body(t, map[string]any{"event_time": "2026-11-24T10:00:05Z"}), nil},
		{"earliest time", body(t, map[string]any{"event_time": "1970-01-01T00:00:00Z"}), nil},
		{"latest time", body(t, map[string]any{"event_time": "9999-12-31T23:59:59.999999999Z"}), nil},
		{"seq 0", body(t, map[string]any{"seq": 0}), nil},
		{"seq 2^53-1", body(t, map[string]any{"seq": raw("9007199254740991")}), func(t *testing.T, e Event) {
			if e.Seq != MaxSeq {
				t.Fatalf("seq = %d", e.Seq)
			}
		}},
		{"progress 0", body(t, map[string]any{"progress": 0}), nil},
		{"progress 1e-200 rounds to 0", body(t, map[string]any{"progress": raw("1e-200")}), progressIs(0)},
		{"progress -0 is 0", body(t, map[string]any{"progress": raw("-0")}), progressIs(0)},
		{"progress 4e-7 rounds to 0", body(t, map[string]any{"progress": raw("4e-7")}), progressIs(0)},
		{"progress 5e-7 rounds to 1e-6", body(t, map[string]any{"progress": raw("5e-7")}), progressIs(1e-6)},
		{"progress 33.3333333333 rounds to 6 places", body(t, map[string]any{"progress": raw("33.33333333333333")}), progressIs(33.333333)},
		{"progress 99.99999999 rounds to 100", body(t, map[string]any{"progress": raw("99.99999999")}), progressIs(100)},
		{"progress 42.125 is kept", body(t, map[string]any{"progress": 42.125}), progressIs(42.125)},
		{"progress 100", body(t, map[string]any{"progress": raw("1e2")}), func(t *testing.T, e Event) {
			if *e.Progress != 100 {
				t.Fatalf("progress = %v", *e.Progress)
			}
		}},
		{"message of 1024 bytes", body(t, map[string]any{"message": strings.Repeat("é", 512)}), nil},
		{"error of 4096 bytes", body(t, map[string]any{"error": strings.Repeat("x", 4096)}), nil},
		{"request_id of 128 characters, every allowed kind", body(t, map[string]any{"request_id": strings.Repeat("aZ09._:-", 16)}), nil},
		{"user_id: every hex digit", body(t, map[string]any{"user_id": "01234567-89ab-cdef-0123-456789abcdef"}), nil},
		{"message with newlines and tabs", body(t, map[string]any{"message": "line 1\nline\t2"}), nil},
		{"error with newlines and tabs, a bidi mark and U+00A0", body(t, map[string]any{"error": "Traceback:\n\tfile \u200f\u00a0x"}), nil},
		{"message with U+00A0, just past the C1 controls", body(t, map[string]any{"message": "a\u00a0b"}), nil},
		{"escaped lone surrogate becomes U+FFFD", body(t, map[string]any{"message": raw(`"\ud800"`)}), func(t *testing.T, e Event) {
			if e.Message != "\uFFFD" {
				t.Fatalf("message = %q", e.Message)
			}
		}},
		{"whitespace around the object", append(append([]byte(" \n"), body(t, nil)...), '\n'), nil},
	}
	for _, word := range []struct {
		in   string
		want job.Status
	}{
		{"STARTED", job.Started}, {"started", job.Started}, {"Started", job.Started},
		{"IN_PROGRESS", job.InProgress}, {"in_progress", job.InProgress},
		{"in progress", job.InProgress}, {"In Progress", job.InProgress},
		{"SUCCESS", job.Success}, {"success", job.Success}, {"sUcCeSs", job.Success},
		{"FAILED", job.Failed}, {"failed", job.Failed}, {"fail", job.Failed}, {"FAIL", job.Failed},
	} {
		tests = append(tests, struct {
			name  string
			body  []byte
			check func(t *testing.T, e Event)
		}{"status " + word.in, body(t, map[string]any{"status": word.in}), func(t *testing.T, e Event) {
			if e.Status != word.want {
				t.Fatalf("status = %q, want %q", e.Status, word.want)
			}
		}})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.body)
			if err != nil {
				t.Fatalf("Parse(%s): %v", tt.body, err)
			}
			if err := e.Validate(); err != nil {
				t.Fatalf("Parse accepted an event Validate refuses: %v", err)
			}
			if tt.check != nil {
				tt.check(t, e)
			}
		})
	}
}

func TestParseRejects(t *testing.T) {
	tests := []struct {
		name  string
		body  []byte
		field string
	}{
		{"empty body", []byte(""), FieldBody},
		{"not JSON", []byte("{not json"), FieldBody},
		{"JSON null", []byte("null"), FieldBody},
		{"JSON array", []byte(`[{"request_id":"a"}]`), FieldBody},
		{"JSON string", []byte(`"job-123"`), FieldBody},
		{"trailing garbage", append(body(t, nil), []byte("x")...), FieldBody},
		{"invalid UTF-8", []byte("{\"request_id\":\"a\xff\"}"), FieldBody},
		{"too large", body(t, map[string]any{"pad": strings.Repeat("x", MaxBodySize)}), FieldBody},

		{"request_id missing", body(t, map[string]any{"request_id": nil}), "request_id"},
		{"request_id null", body(t, map[string]any{"request_id": raw("null")}), "request_id"},
		{"request_id empty", body(t, map[string]any{"request_id": ""}), "request_id"},
		{"request_id a number", body(t, map[string]any{"request_id": 123}), "request_id"},
		{"request_id 129 characters", body(t, map[string]any{"request_id": strings.Repeat("a", 129)}), "request_id"},
		{"request_id with a space", body(t, map[string]any{"request_id": "job 1"}), "request_id"},
		{"request_id with a slash", body(t, map[string]any{"request_id": "job/1"}), "request_id"},
		{"request_id with #", body(t, map[string]any{"request_id": "job#1"}), "request_id"},
		{"request_id not ASCII", body(t, map[string]any{"request_id": "jöb"}), "request_id"},

		{"user_id missing", body(t, map[string]any{"user_id": nil}), "user_id"},
		{"user_id empty", body(t, map[string]any{"user_id": ""}), "user_id"},
		{"user_id an object", body(t, map[string]any{"user_id": map[string]any{}}), "user_id"},
		{"user_id 129 bytes", body(t, map[string]any{"user_id": strings.Repeat("u", 129)}), "user_id"},
		{"user_id not a UUID", body(t, map[string]any{"user_id": "user-1"}), "user_id"},
		{"user_id an email", body(t, map[string]any{"user_id": "alice@example.com"}), "user_id"},
		{"user_id upper case", body(t, map[string]any{"user_id": "0F6C1D2E-1111-4A2B-9C3D-123456789ABC"}), "user_id"},
		{"user_id without dashes", body(t, map[string]any{"user_id": "0f6c1d2e11114a2b9c3d123456789abc"}), "user_id"},
		{"user_id in braces", body(t, map[string]any{"user_id": "{0f6c1d2e-1111-4a2b-9c3d-123456789abc}"}), "user_id"},
		{"user_id dashes misplaced", body(t, map[string]any{"user_id": "0f6c1d2e1-111-4a2b-9c3d-123456789abc"}), "user_id"},
		{"user_id one digit short", body(t, map[string]any{"user_id": "0f6c1d2e-1111-4a2b-9c3d-123456789ab"}), "user_id"},
		{"user_id with a g", body(t, map[string]any{"user_id": "0f6c1d2e-1111-4a2b-9c3d-123456789abg"}), "user_id"},
		{"user_id with a newline", body(t, map[string]any{"user_id": "0f6c1d2e-1111-4a2b-9c3d-123456789ab\n"}), "user_id"},
		{"user_id with a bidi override", body(t, map[string]any{"user_id": "\u202e0f6c1d2e-1111-4a2b-9c3d-123456789abc"}), "user_id"},
		{"user_id with fullwidth digits", body(t, map[string]any{"user_id": "０f6c1d2e-1111-4a2b-9c3d-123456789ab"}), "user_id"},
		{"user_id with a C1 control", body(t, map[string]any{"user_id": "0f6c1d2e-1111-4a2b-9c3d-123456789a\u0085"}), "user_id"},

		{"status missing", body(t, map[string]any{"status": nil}), "status"},
		{"status empty", body(t, map[string]any{"status": ""}), "status"},
		{"status unknown", body(t, map[string]any{"status": "RUNNING"}), "status"},
		{"status with spaces around", body(t, map[string]any{"status": " STARTED"}), "status"},
		{"status in-progress", body(t, map[string]any{"status": "in-progress"}), "status"},
		{"status with Unicode folding (long s)", body(t, map[string]any{"status": "ſtarted"}), "status"},
		{"status a number", body(t, map[string]any{"status": 1}), "status"},

		{"event_time missing", body(t, map[string]any{"event_time": nil}), "event_time"},
		{"event_time empty", body(t, map[string]any{"event_time": ""}), "event_time"},
		{"event_time a number", body(t, map[string]any{"event_time": 1764000000}), "event_time"},
		{"event_time without offset", body(t, map[string]any{"event_time": "2026-11-24T10:00:05"}), "event_time"},
		{"event_time date only", body(t, map[string]any{"event_time": "2026-11-24"}), "event_time"},
		{"event_time with a space", body(t, map[string]any{"event_time": "2026-11-24 10:00:05Z"}), "event_time"},
		{"event_time month 13", body(t, map[string]any{"event_time": "2026-13-24T10:00:05Z"}), "event_time"},
		{"event_time offset hour 24", body(t, map[string]any{"event_time": "2026-11-24T10:00:05+24:00"}), "event_time"},
		{"event_time offset minute 60", body(t, map[string]any{"event_time": "2026-11-24T10:00:05+01:60"}), "event_time"},
		{"event_time comma fraction", body(t, map[string]any{"event_time": "2026-11-24T10:00:05,5Z"}), "event_time"},
		{"event_time 10 fraction digits", body(t, map[string]any{"event_time": "2026-11-24T10:00:05.1234567891Z"}), "event_time"},
		{"event_time lower-case z", body(t, map[string]any{"event_time": "2026-11-24T10:00:05z"}), "event_time"},
		{"event_time offset without colon", body(t, map[string]any{"event_time": "2026-11-24T10:00:05+0100"}), "event_time"},
		{"event_time February 30", body(t, map[string]any{"event_time": "2026-02-30T10:00:05Z"}), "event_time"},
		{"event_time hour 24", body(t, map[string]any{"event_time": "2026-11-24T24:00:00Z"}), "event_time"},
		{"event_time before 1970", body(t, map[string]any{"event_time": "1969-12-31T23:59:59.999999Z"}), "event_time"},
		{"event_time past 9999 in UTC", body(t, map[string]any{"event_time": "9999-12-31T23:00:00-01:00"}), "event_time"},

		{"seq negative", body(t, map[string]any{"seq": -1}), "seq"},
		{"seq -0", body(t, map[string]any{"seq": raw("-0")}), "seq"},
		{"seq a float", body(t, map[string]any{"seq": 1.5}), "seq"},
		{"seq 7.0", body(t, map[string]any{"seq": raw("7.0")}), "seq"},
		{"seq with exponent", body(t, map[string]any{"seq": raw("7e0")}), "seq"},
		{"seq a string", body(t, map[string]any{"seq": "7"}), "seq"},
		{"seq 2^53", body(t, map[string]any{"seq": raw("9007199254740992")}), "seq"},
		{"seq beyond uint64", body(t, map[string]any{"seq": raw("99999999999999999999999")}), "seq"},

		{"progress negative", body(t, map[string]any{"progress": -0.1}), "progress"},
		{"progress 150", body(t, map[string]any{"progress": 150}), "progress"},
		{"progress 100.0001", body(t, map[string]any{"progress": 100.0001}), "progress"},
		{"progress a string", body(t, map[string]any{"progress": "42"}), "progress"},
		{"progress true", body(t, map[string]any{"progress": true}), "progress"},
		{"progress overflowing float64", body(t, map[string]any{"progress": raw("1e400")}), "progress"},

		{"message 1025 bytes", body(t, map[string]any{"message": strings.Repeat("x", 1025)}), "message"},
		{"message 1025 bytes in 2-byte runes", body(t, map[string]any{"message": strings.Repeat("é", 512) + "x"}), "message"},
		{"message a number", body(t, map[string]any{"message": 3}), "message"},
		{"error 4097 bytes", body(t, map[string]any{"error": strings.Repeat("x", 4097)}), "error"},
		{"error an object", body(t, map[string]any{"error": map[string]any{"code": 1}}), "error"},
		{"message with ESC (a colour sequence)", body(t, map[string]any{"message": "\x1b[31mred"}), "message"},
		{"message with BEL", body(t, map[string]any{"message": "ding\a"}), "message"},
		{"message with CR", body(t, map[string]any{"message": "100%\rfake"}), "message"},
		{"message with NUL", body(t, map[string]any{"message": "a\u0000b"}), "message"},
		{"message with DEL", body(t, map[string]any{"message": "a\u007fb"}), "message"},
		{"message with C1 CSI U+009B", body(t, map[string]any{"message": "\u009b2J"}), "message"},
		{"message with C1 NEL U+0085", body(t, map[string]any{"message": "a\u0085b"}), "message"},
		{"message with C1 U+0080", body(t, map[string]any{"message": "a\u0080"}), "message"},
		{"message with C1 U+009F", body(t, map[string]any{"message": "a\u009f"}), "message"},
		{"error with an OSC title sequence", body(t, map[string]any{"error": "\x1b]0;pwned\x07"}), "error"},
		{"error with a form feed", body(t, map[string]any{"error": "a\fb"}), "error"},
		{"error with a vertical tab", body(t, map[string]any{"error": "a\vb"}), "error"},
		{"progress -0.0000001 (refused before rounding)", body(t, map[string]any{"progress": raw("-0.0000001")}), "progress"},
		{"progress 100.0000001 (refused before rounding)", body(t, map[string]any{"progress": raw("100.0000001")}), "progress"},

		{"first problem in field order wins", body(t, map[string]any{"user_id": "", "progress": 500}), "user_id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(tt.body)
			if err == nil {
				t.Fatalf("Parse accepted %+v", e)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(%v, ErrInvalid) = false", err)
			}
			var fe *FieldError
			if !errors.As(err, &fe) {
				t.Fatalf("error %T is not a *FieldError", err)
			}
			if fe.Field != tt.field {
				t.Errorf("Field = %q, want %q (%v)", fe.Field, tt.field, err)
			}
			if !strings.Contains(err.Error(), tt.field+":") {
				t.Errorf("message %q does not name %q", err, tt.field)
			}
			if !equal(e, Event{}) {
				t.Errorf("Parse returned a non-zero event with an error: %+v", e)
			}
		})
	}
}

func TestFieldErrorUnwrapsCause(t *testing.T) {
	_, err := Parse(body(t, map[string]any{"event_time": "yesterday"}))
	var pe *time.ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("errors.As(%v, *time.ParseError) = false", err)
	}
	_, err = Parse([]byte("{"))
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		t.Fatalf("errors.As(%v, *json.SyntaxError) = false", err)
	}
}

// progressIs checks an accepted event's progress.
func progressIs(want float64) func(t *testing.T, e Event) {
	return func(t *testing.T, e Event) {
		t.Helper()
		if e.Progress == nil || *e.Progress != want || math.Signbit(*e.Progress) {
			t.Fatalf("progress = %v, want %v", e.Progress, want)
		}
	}
}

// equal compares events by value, following the Progress pointer.
func equal(a, b Event) bool {
	if (a.Progress == nil) != (b.Progress == nil) || a.Progress != nil && *a.Progress != *b.Progress {
		return false
	}
	a.Progress, b.Progress = nil, nil
	return a.EventTime.Equal(b.EventTime) && a.EventTime.Location() == b.EventTime.Location() &&
		a.RequestID == b.RequestID && a.UserID == b.UserID && a.Status == b.Status &&
		a.Seq == b.Seq && a.Message == b.Message && a.Error == b.Error
}
