package trainevent

import (
	"errors"
	"strings"
	"testing"
	"time"
)

const owner = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"

func TestParseOwned(t *testing.T) {
	tests := []struct {
		name      string
		body      []byte
		wantField string // "" when accepted
		wantUser  string
	}{
		{"user_id absent: the owner", body(t, map[string]any{"user_id": nil}), "", owner},
		{"user_id null: the owner", body(t, map[string]any{"user_id": raw("null")}), "", owner},
		{"user_id the owner", body(t, nil), "", owner},
		{"user_id another user", body(t, map[string]any{"user_id": "11111111-2222-4333-8444-555555555555"}), FieldUserID, ""},
		{"user_id the owner in upper case", body(t, map[string]any{"user_id": strings.ToUpper(owner)}), FieldUserID, ""},
		{"user_id empty", body(t, map[string]any{"user_id": ""}), FieldUserID, ""},
		{"user_id a number", body(t, map[string]any{"user_id": 7}), FieldUserID, ""},
		{"other rules still apply", body(t, map[string]any{"user_id": nil, "progress": 150}), "progress", ""},
		{"not an object", []byte(`[1]`), FieldBody, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := ParseOwned(tt.body, owner)
			if tt.wantField == "" {
				if err != nil || e.UserID != tt.wantUser {
					t.Fatalf("ParseOwned = %+v, %v; want user %s", e, err, tt.wantUser)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.wantField || !errors.Is(err, ErrInvalid) {
				t.Fatalf("ParseOwned error = %v, want a FieldError on %s", err, tt.wantField)
			}
		})
	}
}

func TestNameAndStallAfter(t *testing.T) {
	tests := []struct {
		name      string
		over      map[string]any
		wantField string
		check     func(Event) bool
	}{
		{"name kept", map[string]any{"name": "resnet50 lr=0.1 ü"}, "", func(e Event) bool { return e.Name == "resnet50 lr=0.1 ü" }},
		{"name of 200 bytes", map[string]any{"name": strings.Repeat("n", MaxNameLen)}, "", func(e Event) bool { return len(e.Name) == MaxNameLen }},
		{"name of 201 bytes", map[string]any{"name": strings.Repeat("n", MaxNameLen+1)}, FieldName, nil},
		{"name with a newline", map[string]any{"name": "a\nb"}, FieldName, nil},
		{"name with a tab", map[string]any{"name": "a\tb"}, FieldName, nil},
		{"name with ESC", map[string]any{"name": "a\x1b[2Jb"}, FieldName, nil},
		{"name a number", map[string]any{"name": 3}, FieldName, nil},
		{"stall window 60 s", map[string]any{"stall_after_seconds": 60}, "", func(e Event) bool { return e.StallAfter == time.Minute }},
		{"stall window a week", map[string]any{"stall_after_seconds": 604800}, "", func(e Event) bool { return e.StallAfter == MaxStallAfter }},
		{"stall window absent", map[string]any{}, "", func(e Event) bool { return e.StallAfter == 0 }},
		{"stall window 59 s", map[string]any{"stall_after_seconds": 59}, FieldStallAfter, nil},
		{"stall window 0", map[string]any{"stall_after_seconds": 0}, FieldStallAfter, nil},
		{"stall window over a week", map[string]any{"stall_after_seconds": 604801}, FieldStallAfter, nil},
		{"stall window huge", map[string]any{"stall_after_seconds": raw("99999999999999999999999")}, FieldStallAfter, nil},
		{"stall window fractional", map[string]any{"stall_after_seconds": 60.5}, FieldStallAfter, nil},
		{"stall window a string", map[string]any{"stall_after_seconds": "60"}, FieldStallAfter, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := Parse(body(t, tt.over))
			if tt.wantField != "" {
				var fe *FieldError
				if !errors.As(err, &fe) || fe.Field != tt.wantField {
					t.Fatalf("Parse error = %v, want a FieldError on %s", err, tt.wantField)
				}
				return
			}
			if err != nil || !tt.check(e) {
				t.Fatalf("Parse = %+v, %v", e, err)
			}
			b, err := e.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(b)
			if err != nil || back.Name != e.Name || back.StallAfter != e.StallAfter {
				t.Fatalf("round trip %s = %+v, %v", b, back, err)
			}
		})
	}
}
