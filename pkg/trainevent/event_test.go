package trainevent

import (
	"encoding/json"
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// testUser is a Cognito sub.
const testUser = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"

func validEvent() Event {
	p := 42.5
	return Event{
		RequestID: "job-123", UserID: testUser, Status: job.InProgress,
		EventTime: time.Date(2026, 11, 24, 10, 0, 5, 123456000, time.UTC), Seq: 7,
		Progress: &p, Message: "epoch 3/10",
	}
}

func TestValidate(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct {
		name   string
		modify func(*Event)
		field  string // "" means valid
	}{
		{"valid", func(*Event) {}, ""},
		{"time in another zone, with nanoseconds", func(e *Event) {
			e.EventTime = time.Date(2026, 1, 1, 3, 0, 0, 1, time.FixedZone("x", 3600))
		}, ""},
		{"progress nil", func(e *Event) { e.Progress = nil }, ""},
		{"seq max", func(e *Event) { e.Seq = MaxSeq }, ""},
		{"request_id empty", func(e *Event) { e.RequestID = "" }, "request_id"},
		{"request_id bad char", func(e *Event) { e.RequestID = "a b" }, "request_id"},
		{"request_id too long", func(e *Event) { e.RequestID = strings.Repeat("a", 129) }, "request_id"},
		{"user_id empty", func(e *Event) { e.UserID = "" }, "user_id"},
		{"user_id invalid UTF-8", func(e *Event) { e.UserID = "a\xffb" }, "user_id"},
		{"user_id control", func(e *Event) { e.UserID = "a\tb" }, "user_id"},
		{"user_id not a UUID", func(e *Event) { e.UserID = "user-1" }, "user_id"},
		{"user_id upper case", func(e *Event) { e.UserID = strings.ToUpper(testUser) }, "user_id"},
		{"progress 1e-200 (rounded when written)", func(e *Event) { e.Progress = f(1e-200) }, ""},
		{"message with tab and newline", func(e *Event) { e.Message = "a\tb\nc" }, ""},
		{"message with ESC", func(e *Event) { e.Message = "\x1b[2J" }, "message"},
		{"message with BEL", func(e *Event) { e.Message = "\a" }, "message"},
		{"message with C1 CSI", func(e *Event) { e.Message = "\u009b2J" }, "message"},
		{"error with CR", func(e *Event) { e.Error = "a\rb" }, "error"},
		{"error with C1 U+0080", func(e *Event) { e.Error = "\u0080" }, "error"},
		{"status legacy spelling is not canonical", func(e *Event) { e.Status = "started" }, "status"},
		{"status empty", func(e *Event) { e.Status = "" }, "status"},
		{"event_time zero", func(e *Event) { e.EventTime = time.Time{} }, "event_time"},
		{"event_time year 10000", func(e *Event) { e.EventTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) }, "event_time"},
		{"seq 2^53", func(e *Event) { e.Seq = MaxSeq + 1 }, "seq"},
		{"progress NaN", func(e *Event) { e.Progress = f(math.NaN()) }, "progress"},
		{"progress +Inf", func(e *Event) { e.Progress = f(math.Inf(1)) }, "progress"},
		{"progress -Inf", func(e *Event) { e.Progress = f(math.Inf(-1)) }, "progress"},
		{"progress 100.5", func(e *Event) { e.Progress = f(100.5) }, "progress"},
		{"message too long", func(e *Event) { e.Message = strings.Repeat("x", MaxMessageLen+1) }, "message"},
		{"message invalid UTF-8", func(e *Event) { e.Message = "\xc3" }, "message"},
		{"error too long", func(e *Event) { e.Error = strings.Repeat("x", MaxErrorLen+1) }, "error"},
		{"error invalid UTF-8", func(e *Event) { e.Error = "\xff" }, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := validEvent()
			tt.modify(&e)
			err := e.Validate()
			_, merr := e.Marshal()
			if tt.field == "" {
				if err != nil || merr != nil {
					t.Fatalf("Validate = %v, Marshal = %v, want nil", err, merr)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field || !errors.Is(err, ErrInvalid) {
				t.Fatalf("Validate = %v, want a FieldError for %s", err, tt.field)
			}
			if !errors.Is(merr, ErrInvalid) {
				t.Fatalf("Marshal = %v, want ErrInvalid", merr)
			}
		})
	}
}

func TestMarshalFormat(t *testing.T) {
	e := validEvent()
	e.Message = "<a&b>"
	b, err := e.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	want := `{"request_id":"job-123","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"IN_PROGRESS","event_time":"2026-11-24T10:00:05.123456Z","seq":7,"progress":42.5,"message":"<a&b>"}`
	if string(b) != want {
		t.Fatalf("Marshal =\n%s\nwant\n%s", b, want)
	}
}

func TestMarshalParseRoundTrip(t *testing.T) {
	zone := time.FixedZone("x", -5*3600-30*60)
	events := []Event{validEvent(), {RequestID: "r", UserID: testUser, Status: job.Started,
		EventTime: time.Date(2026, 1, 2, 3, 4, 5, 999999999, zone)}}
	e := validEvent()
	e.Status, e.Error, e.Progress = job.Failed, strings.Repeat("\t\"\\<", MaxErrorLen/4), nil
	events = append(events, e)
	e = validEvent()
	tiny := 1e-200
	e.Progress = &tiny
	events = append(events, e)
	for _, e := range events {
		b, err := e.Marshal()
		if err != nil {
			t.Fatal(err)
		}
		got, err := Parse(b)
		if err != nil {
			t.Fatalf("Parse(Marshal(%+v)): %v", e, err)
		}
		if !equal(got, e.Normalize()) {
			t.Fatalf("round trip: got %+v, want %+v", got, e.Normalize())
		}
		var viaJSON Event
		if err := json.Unmarshal(b, &viaJSON); err != nil || !equal(viaJSON, got) {
			t.Fatalf("json.Unmarshal = %+v, %v; want %+v", viaJSON, err, got)
		}
	}
}

func TestUnmarshalJSONValidates(t *testing.T) {
	var e Event
	err := json.Unmarshal([]byte(`{"request_id":"a","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"done","event_time":"2026-01-01T00:00:00Z"}`), &e)
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("json.Unmarshal = %v, want ErrInvalid", err)
	}
}

func TestOrderKeySortsByTimeThenSeq(t *testing.T) {
	base := time.Date(2026, 11, 24, 10, 0, 5, 0, time.UTC)
	// In (event_time, seq) order.
	events := []Event{
		{EventTime: time.Date(999+1000, 1, 1, 0, 0, 0, 0, time.UTC), Seq: MaxSeq},
		{EventTime: base.Add(-time.Microsecond), Seq: 100},
		{EventTime: base, Seq: 0},
		{EventTime: base, Seq: 9},
		{EventTime: base, Seq: 10},
		{EventTime: base, Seq: MaxSeq},
		{EventTime: base.Add(time.Microsecond)},
		{EventTime: base.Add(time.Hour).In(time.FixedZone("east", 5*3600))},
		{EventTime: time.Date(9999, 12, 31, 23, 59, 59, 999999000, time.UTC)},
	}
	var keys []string
	for _, e := range events {
		keys = append(keys, e.OrderKey())
	}
	if !slices.IsSorted(keys) {
		t.Fatalf("keys not sorted: %q", keys)
	}
	if got, want := events[3].OrderKey(), "2026-11-24T10:00:05.000000Z#00000000000000000009"; got != want {
		t.Fatalf("OrderKey = %q, want %q", got, want)
	}
	for _, k := range keys {
		if utf8.RuneCountInString(k) != len(keys[0]) {
			t.Fatalf("key %q is not fixed width", k)
		}
	}
}
