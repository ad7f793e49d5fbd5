package main

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// FuzzParsePath: parsePath never panics, accepts only valid ids (by the training event's own
// rule), and maps every path to exactly one outcome.
func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"/status", "/status/job-1", "/status/job%3A1", "/status/job%3a1", "/status/a%2Fb",
		"/status/", "/statusx", "/status/a/b", "", "%", "/status/%", "/status/%zz", "/status/" + strings.Repeat("a", 128),
		"/status/" + strings.Repeat("a", 129), "/status/j%C3%B6b", "/status/job 1", "/status/..", "/status/job%00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		r, id, err := parsePath(raw)
		switch r {
		case routeNone:
			if err != nil || id != "" {
				t.Fatalf("%q: no route but id %q, error %v", raw, id, err)
			}
			if raw == "/status" || strings.HasPrefix(raw, "/status/") && !strings.Contains(raw[len("/status/"):], "/") {
				t.Fatalf("%q: a route path was not recognised", raw)
			}
		case routeList:
			if raw != "/status" || err != nil || id != "" {
				t.Fatalf("%q: listed (id %q, error %v)", raw, id, err)
			}
		case routeGet:
			if err != nil {
				if err.Code != CodeInvalidRequestID || id != "" {
					t.Fatalf("%q: error %v with id %q", raw, err, id)
				}
				return
			}
			if !trainevent.ValidRequestID(id) {
				t.Fatalf("%q: accepted invalid id %q", raw, id)
			}
			if dec, uerr := url.PathUnescape(strings.TrimPrefix(raw, "/status/")); uerr != nil || dec != id {
				t.Fatalf("%q: id %q is not the decoded segment %q", raw, id, dec)
			}
		}
	})
}

// FuzzParseListQuery: parseListQuery never panics, refuses with a 400 and a known code, and what
// it accepts is in range and survives a round trip.
func FuzzParseListQuery(f *testing.F) {
	for _, s := range []string{"", "limit=20", "limit=1&status=success", "limit=100&status=IN_PROGRESS&cursor=abc.def",
		"limit=0", "limit=101", "limit=-1", "limit=+5", "limit=007", "limit=1e2", "limit=%zz", "status=ſuccess",
		"status=%C5%BFuccess", "limit=1&limit=2", "cursor=" + strings.Repeat("A", 43) + "." + strings.Repeat("A", 43),
		"a=b;c=d", "status=Failed&x=%20", "cursor=", "limit="} {
		f.Add(s)
	}
	codes := map[string]bool{CodeInvalidLimit: true, CodeInvalidStatus: true, CodeInvalidCursor: true, CodeInvalidQuery: true}
	f.Fuzz(func(t *testing.T, raw string) {
		q, err := parseListQuery(raw)
		if err != nil {
			if err.Status != 400 || !codes[err.Code] {
				t.Fatalf("%q: %d %s", raw, err.Status, err.Code)
			}
			return
		}
		if q.Limit < 1 || q.Limit > MaxLimit {
			t.Fatalf("%q: limit %d accepted", raw, q.Limit)
		}
		if q.Status != "" && !q.Status.Valid() {
			t.Fatalf("%q: status %q accepted", raw, q.Status)
		}
		if q.Cursor != "" && !cursorWithinBound(q.Cursor) {
			t.Fatalf("%q: cursor %q accepted", raw, q.Cursor)
		}
		v, _ := url.ParseQuery(raw)
		if s := v.Get("status"); s != "" && !strings.EqualFold(s, string(q.Status)) {
			t.Fatalf("%q: status %q read as %q", raw, s, q.Status)
		}
		again := url.Values{"limit": {strings.TrimLeft(v.Get("limit"), "0")}}
		if q.Status != "" {
			again.Set("status", string(q.Status))
		}
		if q.Cursor != "" {
			again.Set("cursor", q.Cursor)
		}
		if v.Get("limit") == "" {
			again.Del("limit")
		}
		q2, err2 := parseListQuery(again.Encode())
		if err2 != nil || q2 != q {
			t.Fatalf("%q: %+v, but its round trip %q gives %+v %v", raw, q, again.Encode(), q2, err2)
		}
	})
}

// FuzzCursor: through the whole handler (over the stub), the only cursors accepted are "" and the
// one the handler made; anything else is a 400 invalid_cursor that costs no DynamoDB call.
func FuzzCursor(f *testing.F) {
	valid := sampleCursor(f)
	body, sig, _ := strings.Cut(valid, ".")
	last := sig[len(sig)-1]
	f.Add(valid)
	f.Add("")
	for _, c := range "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" {
		if byte(c) != last { // the lenient decoder reads some of these as the same bytes
			f.Add(body + "." + sig[:len(sig)-1] + string(c))
		}
	}
	for _, s := range []string{valid + "\n", body + "\n." + sig, valid + "=", body + "." + sig[:20] + "\r\n" + sig[20:],
		body, "." + sig, body + ".", valid + ".", strings.ToUpper(valid), valid[1:], "a.b", ".", "%", "\x00",
		strings.Replace(valid, "J", "K", 1)} {
		f.Add(s)
	}
	h, stub := stubHandler(f)
	f.Fuzz(func(t *testing.T, cursor string) {
		before := stub.Calls("Query")
		start := time.Now()
		resp := serve(t, h, listReq(t, "limit=2&cursor="+url.QueryEscape(cursor), alice))
		calls := stub.Calls("Query") - before
		if cursor == "" || cursor == valid {
			if resp.StatusCode != 200 || calls != 1 {
				t.Fatalf("valid cursor %q: %d %s, %d calls", cursor, resp.StatusCode, resp.Body, calls)
			}
			return
		}
		if resp.StatusCode != 400 || errorCode(t, resp) != CodeInvalidCursor || calls != 0 {
			t.Fatalf("cursor %q: %d %s, %d calls; want 400 invalid_cursor and no call", cursor, resp.StatusCode, resp.Body, calls)
		}
		if time.Since(start) > time.Second {
			t.Fatalf("cursor %q took %v", cursor, time.Since(start))
		}
	})
}
