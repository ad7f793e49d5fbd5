package main

import (
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

func TestETagAndNotModified(t *testing.T) {
	f := newFixture(t)
	f.seed(item("job-1", alice, job.InProgress, 0, 1))
	first := f.do(getReq(t, "job-1", alice))
	tag := first.Headers["ETag"]
	if first.StatusCode != 200 || len(tag) < 3 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		t.Fatalf("%d, ETag %q: want a strong tag", first.StatusCode, tag)
	}
	if again := f.do(getReq(t, "job-1", alice)); again.Headers["ETag"] != tag {
		t.Errorf("same body, new tag %q", again.Headers["ETag"])
	}
	cases := []struct {
		header string
		status int
	}{
		{tag, 304},
		{"W/" + tag, 304},
		{`"other", ` + tag, 304},
		{`"a",W/` + tag + `  ,"b"`, 304},
		{"*", 304},
		{`"other"`, 200},
		{tag[:len(tag)-1], 200},
		{"", 200},
	}
	for _, tc := range cases {
		t.Run(tc.header, func(t *testing.T) {
			req := getReq(t, "job-1", alice)
			req.Headers["if-none-match"] = tc.header
			resp := f.do(req)
			if resp.StatusCode != tc.status || resp.Headers["ETag"] != tag {
				t.Fatalf("%d ETag %q, want %d %q", resp.StatusCode, resp.Headers["ETag"], tc.status, tag)
			}
			if tc.status == 304 && resp.Body != "" {
				t.Errorf("304 with a body %q", resp.Body)
			}
		})
	}
	t.Run("header name in any case", func(t *testing.T) {
		req := getReq(t, "job-1", alice)
		req.Headers["If-None-Match"] = tag
		if resp := f.do(req); resp.StatusCode != 304 {
			t.Errorf("%d", resp.StatusCode)
		}
	})
	t.Run("the job changed", func(t *testing.T) {
		f.seed(item("job-1", alice, job.InProgress, 0, 2))
		req := getReq(t, "job-1", alice)
		req.Headers["if-none-match"] = tag
		resp := f.do(req)
		if resp.StatusCode != 200 || resp.Headers["ETag"] == tag {
			t.Errorf("%d ETag %q after a change", resp.StatusCode, resp.Headers["ETag"])
		}
	})
}

func TestNoneMatch(t *testing.T) {
	const tag = `"abc"`
	for header, want := range map[string]bool{
		`"abc"`:         true,
		`W/"abc"`:       true,
		` "x" , "abc" `: true,
		`"x","abc"`:     true,
		`*`:             true,
		` * `:           true,
		`"x", *`:        false, // "*" is valid only alone
		`abc`:           false,
		`"ab"c"`:        false,
		`"abc`:          false,
		`"x"junk,"abc"`: false,
		`W/`:            false,
		``:              false,
		`,,,`:           false,
		`"a,b", "abc"`:  true, // a comma may be part of an entity tag
		`"ABC"`:         false,
		`w/"abc"`:       false, // W/ is case-sensitive
		`"x" W/"abc"`:   true,
		"\t\"abc\"\t":   true,
	} {
		if got := noneMatch(header, tag); got != want {
			t.Errorf("noneMatch(%q) = %t, want %t", header, got, want)
		}
	}
}

// TestETagStableWithoutEvents: with no event in between, two GETs give the same ETag (and a 304)
// however much time passes, until the job stalls, which changes the body and so the tag.
func TestETagStableWithoutEvents(t *testing.T) {
	f := newFixture(t)
	f.track(event("job-eta", job.Started, 0), event("job-eta", job.InProgress, 1, 10), event("job-eta", job.InProgress, 5, 50))
	f.now = t0.Add(5 * time.Minute)
	first := f.do(getReq(t, "job-eta", alice))
	tag := first.Headers["ETag"]
	if j := decodeJob(t, first); j.ETA == "" || j.Stalled {
		t.Fatalf("body %s: want an ETA, not stalled", first.Body)
	}
	cases := []struct {
		name   string
		now    time.Time
		status int
		same   bool
	}{
		{"at once", t0.Add(5 * time.Minute), 304, true},
		{"a minute later", t0.Add(6 * time.Minute), 304, true},
		{"at the end of the window", t0.Add(5*time.Minute + testWindow), 304, true},
		{"stalled", t0.Add(5*time.Minute + testWindow + time.Second), 200, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.now = tc.now
			req := getReq(t, "job-eta", alice)
			req.Headers["if-none-match"] = tag
			resp := f.do(req)
			if resp.StatusCode != tc.status || (resp.Headers["ETag"] == tag) != tc.same {
				t.Errorf("%d ETag %q (first %q), want %d, same tag %t", resp.StatusCode, resp.Headers["ETag"], tag, tc.status, tc.same)
			}
		})
	}
}
