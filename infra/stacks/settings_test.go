package stacks_test

import (
	"testing"

	"github.com/trainstatus/trainstatus/infra/stacks"
)

// TestParseOrigin: CORS origins are parsed and their scheme, host and port compared, never
// matched by prefix.
func TestParseOrigin(t *testing.T) {
	for _, tc := range []struct {
		in, want string // want "" means refused
	}{
		{"https://app.example.com", "https://app.example.com"},
		{"https://app.example.com/", "https://app.example.com"},
		{"HTTPS://App.Example.COM:8443", "https://app.example.com:8443"},
		{"https://[2001:db8::1]:8443", "https://[2001:db8::1]:8443"},
		{"http://localhost", "http://localhost"},
		{"http://localhost:5173", "http://localhost:5173"},
		{"http://127.0.0.1:8080", "http://127.0.0.1:8080"},
		{"http://localhost.evil.example", ""},
		{"http://localhost.evil.example:5173", ""},
		{"http://127.0.0.1.evil.example", ""},
		{"http://localhost@evil.example", ""},
		{"https://user:pw@app.example.com", ""},
		{"http://app.example.com", ""},
		{"http://[::1]:3000", ""},
		{"https://*.example.com", ""},
		{"*", ""},
		{"https://app.example.com/path", ""},
		{"https://app.example.com?x=1", ""},
		{"https://app.example.com#top", ""},
		{"https://app.example.com:", ""},
		{"https://app.example.com:99999", ""},
		{"localhost:5173", ""},
		{"ftp://app.example.com", ""},
		{"https://", ""},
		{"", ""},
	} {
		got, err := stacks.ParseOrigin(tc.in)
		if tc.want == "" {
			if err == nil {
				t.Errorf("ParseOrigin(%q) = %q, want refused", tc.in, got)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseOrigin(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}
