package demo

import (
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
