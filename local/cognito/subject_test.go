package cognito

import (
	"encoding/base64"
	"testing"
)

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
