package trainevent

import (
	"encoding/json"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// FuzzParse checks that Parse never panics and never accepts an invalid event: what it accepts
// passes Validate, passes independent checks written differently from Parse's, agrees with a
// plain encoding/json decode of the same body, and survives a Marshal -> Parse round trip.
func FuzzParse(f *testing.F) {
	f.Add(body(f, nil))
	f.Add([]byte(`{"request_id":"a","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"fail","event_time":"2026-01-01T00:00:00.123456789+05:30","seq":0}`))
	f.Add([]byte(`{"request_id":"a","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"in progress","event_time":"1970-01-01T00:00:00Z","progress":1e2,"seq":9007199254740991}`))
	f.Add([]byte(`{"request_id":"a","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"STARTED","event_time":"2026-01-01T00:00:00+24:00","progress":-0}`))
	f.Add([]byte(`{"request_id":null,"status":"x","seq":1.0,"progress":"1"}`))
	f.Add([]byte(`[]`))
	f.Add([]byte(`null`))
	for _, b := range sampleBodies(f) {
		f.Add(b)
	}
	f.Add([]byte(`{"request_id":"a","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"STARTED","event_time":"2026-01-01T00:00:00Z","progress":1e-200,"message":"\u001b[31m"}`))
	f.Add([]byte(`{"request_id":"a","user_id":"0f6c1d2e-1111-4a2b-9c3d-123456789abc","status":"STARTED","event_time":"2026-01-01T00:00:00Z","progress":33.33333333333333,"error":"\u009b"}`))
	requestID := regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)
	userID := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
	// Control characters a text field may not hold, written out rather than computed.
	forbidden := regexp.MustCompile(`[\x00-\x08\x0b-\x1f\x7f\x{80}-\x{9f}]`)
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := Parse(b)
		if err != nil {
			if !errorsIsInvalid(err) {
				t.Fatalf("error %v does not match ErrInvalid", err)
			}
			return
		}
		if err := e.Validate(); err != nil {
			t.Fatalf("Parse accepted %q, Validate refuses it: %v", b, err)
		}
		// Independent checks.
		if !requestID.MatchString(e.RequestID) {
			t.Fatalf("bad request_id accepted: %q", e.RequestID)
		}
		if !userID.MatchString(e.UserID) {
			t.Fatalf("bad user_id accepted: %q", e.UserID)
		}
		if !utf8.ValidString(e.Message) || !utf8.ValidString(e.Error) || forbidden.MatchString(e.Message) || forbidden.MatchString(e.Error) {
			t.Fatalf("control character accepted: message %q, error %q", e.Message, e.Error)
		}
		if e.EventTime.Location() != time.UTC || e.EventTime.Nanosecond()%1000 != 0 ||
			e.EventTime.Year() < 1970 || e.EventTime.Year() > 9999 {
			t.Fatalf("bad event_time accepted: %v", e.EventTime)
		}
		if e.Progress != nil && (math.IsNaN(*e.Progress) || *e.Progress < 0 || *e.Progress > 100 || math.Signbit(*e.Progress)) {
			t.Fatalf("bad progress accepted: %v", *e.Progress)
		}
		// Progress has at most six decimals: its shortest form has no more, and no exponent.
		if e.Progress != nil {
			s := strconv.FormatFloat(*e.Progress, 'g', -1, 64)
			if dot := strings.IndexByte(s, '.'); strings.ContainsAny(s, "eE") || dot >= 0 && len(s)-dot-1 > 6 {
				t.Fatalf("progress %s is not rounded to six decimals", s)
			}
		}
		if e.Seq >= 1<<53 || len(e.Message) > 1024 || len(e.Error) > 4096 {
			t.Fatalf("out-of-range field accepted: %+v", e)
		}
		// A plain decode of the body agrees on what the fields hold.
		var plain map[string]any
		if err := json.Unmarshal(b, &plain); err != nil {
			t.Fatalf("Parse accepted a body encoding/json refuses: %v", err)
		}
		if st, _ := plain["status"].(string); statusByLowerWord[strings.ToLower(st)] != string(e.Status) {
			t.Fatalf("status %q became %q", st, e.Status)
		}
		ts, _ := plain["event_time"].(string)
		if pt, err := time.Parse(time.RFC3339Nano, ts); err != nil || !pt.Truncate(time.Microsecond).Equal(e.EventTime) {
			t.Fatalf("event_time %q became %v", ts, e.EventTime)
		}
		if p, ok := plain["progress"].(float64); ok != (e.Progress != nil) || ok && math.Abs(p-*e.Progress) > 5e-7 {
			t.Fatalf("progress %v became %v", plain["progress"], e.Progress)
		}
		if seq, ok := plain["seq"].(float64); ok && seq != float64(e.Seq) || !ok && e.Seq != 0 {
			t.Fatalf("seq %v became %d", plain["seq"], e.Seq)
		}
		if plain["request_id"] != e.RequestID || plain["user_id"] != e.UserID {
			t.Fatalf("ids %v, %v became %q, %q", plain["request_id"], plain["user_id"], e.RequestID, e.UserID)
		}
		// Round trip.
		out, err := e.Marshal()
		if err != nil {
			t.Fatalf("Marshal(%+v): %v", e, err)
		}
		again, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(e)) = %v for %s", err, out)
		}
		if !equal(again, e) {
			t.Fatalf("round trip changed the event:\n%+v\n%+v", e, again)
		}
		if len(e.OrderKey()) != len(job.TimeLayout)+1+20 {
			t.Fatalf("OrderKey %q is not fixed width", e.OrderKey())
		}
	})
}

var statusByLowerWord = map[string]string{
	"started": "STARTED", "in_progress": "IN_PROGRESS", "in progress": "IN_PROGRESS",
	"success": "SUCCESS", "failed": "FAILED", "fail": "FAILED",
}

func errorsIsInvalid(err error) bool {
	fe, ok := err.(*FieldError)
	return ok && fe.Is(ErrInvalid) && fe.Field != ""
}
