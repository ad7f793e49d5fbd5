package main

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// FuzzResolve: resolve never panics, accepts only valid ids (by the training event's own rule),
// and maps every route key and parameter to exactly one outcome.
func FuzzResolve(f *testing.F) {
	for _, r := range deploy.Routes {
		f.Add(r.Key(), r.Method, "job-1")
	}
	for _, s := range [][3]string{{"GET /status/{request_id}", "GET", "job%3A1"}, {"GET /status/{request_id}", "GET", "a%2Fb"},
		{"ANY /me/preferences", "DELETE", ""}, {"$default", "GET", ""}, {"", "", ""}, {"GET /status/{request_id}", "GET", "%"},
		{"GET /status/{request_id}", "GET", strings.Repeat("a", 129)}, {"ANY /status", "ANY", ""}, {" ", "GET", ""}} {
		f.Add(s[0], s[1], s[2])
	}
	f.Fuzz(func(t *testing.T, key, method, id string) {
		req := events.APIGatewayV2HTTPRequest{RouteKey: key, PathParameters: map[string]string{deploy.PathRequestID: id}}
		req.RequestContext.HTTP.Method = method
		rt, got, err := resolve(req)
		switch {
		case err != nil && err.Code == CodeInvalidRequestID:
			if rt != routeGetJob || got != "" {
				t.Fatalf("%q %q %q: invalid id but route %v id %q", key, method, id, rt, got)
			}
		case err != nil:
			if rt != routeNone || got != "" || (err.Code != CodeNotFound && err.Code != CodeMethodNotAllowed) ||
				(err.Code == CodeMethodNotAllowed) != (err.Allow != "") {
				t.Fatalf("%q %q %q: %v %q %+v", key, method, id, rt, got, err)
			}
		case rt == routeGetJob:
			if !trainevent.ValidRequestID(got) {
				t.Fatalf("%q: accepted invalid id %q", id, got)
			}
			if dec, uerr := url.PathUnescape(id); uerr != nil || dec != got {
				t.Fatalf("%q: id %q is not the decoded parameter %q", id, got, dec)
			}
		case rt == routeDeleteToken:
			if got != req.PathParameters[deploy.PathTokenID] {
				t.Fatalf("%q: token id %q, not the parameter", key, got)
			}
		case rt == routeNone || got != "":
			t.Fatalf("%q %q %q: route %v id %q without an error", key, method, id, rt, got)
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
		if s := v.Get("status"); s != "" {
			if st, ok := job.ParseStatus(s); !ok || st != q.Status {
				t.Fatalf("%q: status %q read as %q", raw, s, q.Status)
			}
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
	})
}

// FuzzPreferencesBody: decodeBody never panics, refuses with a 400 and a known code, and what it
// accepts is exactly one object whose only field is email_notifications, given once, spelt
// exactly, as a boolean.
func FuzzPreferencesBody(f *testing.F) {
	for _, s := range []string{`{"email_notifications":false}`, `{"email_notifications":true}`, `{}`, `null`, `[]`,
		`{"email_notifications":"false"}`, `{"Email_notifications":false}`, `{"email_notifications":false,"email_notifications":true}`,
		`{"email_notifications":false}{}`, `{"email_notifications":false,"x":1}`, "{\"email_notifications\":false}\n", "\xff", ""} {
		f.Add(s)
	}
	codes := map[string]bool{CodeInvalidBody: true, CodeUnknownField: true, CodeInvalidField: true, CodeBodyTooLarge: true}
	f.Fuzz(func(t *testing.T, body string) {
		var in statusapi.PreferencesUpdate
		err := decodeBody(events.APIGatewayV2HTTPRequest{Body: body}, maxPreferencesBody, &in)
		if err != nil {
			if err.Status != 400 || !codes[err.Code] {
				t.Fatalf("%q: %d %s", body, err.Status, err.Code)
			}
			return
		}
		var m map[string]json.RawMessage
		if jerr := json.Unmarshal([]byte(body), &m); jerr != nil || len(body) > maxPreferencesBody {
			t.Fatalf("%q accepted: %v", body, jerr)
		}
		for k := range m {
			if k != "email_notifications" {
				t.Fatalf("%q accepted with field %q", body, k)
			}
		}
		if v, ok := m["email_notifications"]; ok && in.EmailNotifications == nil || ok && string(v) != "true" && string(v) != "false" {
			t.Fatalf("%q accepted as %v", body, in.EmailNotifications)
		}
	})
}
