package main

import (
	"fmt"
	"testing"
	"time"
)

// TestRateLimit: a user over the limit gets 429 with Retry-After (the window's end) and nothing
// enqueued, while another user's events pass; the next window accepts again.
func TestRateLimit(t *testing.T) {
	f := newFixture(t, options{ttl: time.Minute, limit: 100})
	a, b := f.token(alice), f.token(bob)
	hundred := make([]string, 100)
	for i := range hundred {
		hundred[i] = event(fmt.Sprint("job-", i))
	}
	steps := []struct {
		name       string
		secret     string
		body       string
		status     int
		retryAfter string
	}{
		{"alice: 99 of 100", auth(a), batch(hundred[:99]...), 200, ""},
		{"alice: the 100th", auth(a), event("job-x"), 200, ""},
		{"alice: over", auth(a), event("job-y"), 429, "30"}, // t0 is 30 s into its minute
		{"alice: a batch over", auth(a), batch(hundred[:2]...), 429, "30"},
		{"bob meanwhile", auth(b), batch(hundred...), 200, ""},
	}
	for _, s := range steps {
		before := len(f.sqs.Messages(queueURL))
		resp := f.do(post(s.secret, s.body))
		if resp.StatusCode != s.status || resp.Headers["Retry-After"] != s.retryAfter {
			t.Errorf("%s: %d Retry-After %q, want %d %q: %s", s.name, resp.StatusCode, resp.Headers["Retry-After"], s.status, s.retryAfter, resp.Body)
		}
		if s.status == 429 {
			if errorCode(t, resp) != CodeRateLimited || len(f.sqs.Messages(queueURL)) != before {
				t.Errorf("%s: %s, or enqueued", s.name, resp.Body)
			}
		}
	}
	f.advance(29*time.Second + 500*time.Millisecond)
	if resp := f.do(post(auth(a), event("job-z"))); resp.StatusCode != 429 || resp.Headers["Retry-After"] != "1" {
		t.Errorf("half a second before the window's end: %d %q", resp.StatusCode, resp.Headers["Retry-After"])
	}
	f.advance(500 * time.Millisecond)
	if resp := f.do(post(auth(a), event("job-z"))); resp.StatusCode != 200 {
		t.Errorf("next window: %d %s", resp.StatusCode, resp.Body)
	}
}
