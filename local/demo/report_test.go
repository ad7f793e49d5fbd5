package demo

import (
	"encoding/base64"
	"testing"
)

func TestFindDeadLetter(t *testing.T) {
	out := `{"message_id":"m1","request_id":"job-0","reason":"bad json","receive_count":1,"body":"{"}
not json
{"message_id":"m2","request_id":"job-1","reason":"tracker: event_time is older than the retention: 2025-11-25T09:00:00.000000Z is more than 90 days before the clock (2026-11-25T09:00:00.000000Z)","receive_count":2,"body":"{}"}
`
	tests := []struct {
		id, wantMessage string
	}{
		{"job-1", "m2"},
		{"job-0", "m1"},
		{"job-9", ""},
	}
	for _, tt := range tests {
		got := findDeadLetter(out, tt.id)
		if (got == nil) != (tt.wantMessage == "") || (got != nil && got.MessageID != tt.wantMessage) {
			t.Errorf("findDeadLetter(%s) = %+v, want %q", tt.id, got, tt.wantMessage)
		}
	}
}

func TestSubject(t *testing.T) {
	enc := base64.RawURLEncoding.EncodeToString
	tests := []struct {
		name, token, want string
	}{
		{"id token", "h." + enc([]byte(`{"sub":"abc-123","aud":"c"}`)) + ".s", "abc-123"},
		{"no sub", "h." + enc([]byte(`{"aud":"c"}`)) + ".s", ""},
		{"not a JWT", "abc", ""},
		{"bad payload", "h.!!!.s", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := subject(tt.token)
			if got != tt.want || (err == nil) != (tt.want != "") {
				t.Errorf("subject = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}
