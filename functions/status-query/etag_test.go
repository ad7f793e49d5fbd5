package main

import (
	"testing"

	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestETagAndNotModified(t *testing.T) {
	f := newFixture(t)
	f.seed(job("job-1", alice, tables.StatusInProgress, 1))
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
		f.seed(job("job-1", alice, tables.StatusInProgress, 2))
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
