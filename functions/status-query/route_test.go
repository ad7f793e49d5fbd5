package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

func TestResolve(t *testing.T) {
	req := func(routeKey, method string, params map[string]string) events.APIGatewayV2HTTPRequest {
		r := events.APIGatewayV2HTTPRequest{RouteKey: routeKey, PathParameters: params}
		r.RequestContext.RouteKey = routeKey
		r.RequestContext.HTTP.Method = method
		return r
	}
	id := func(s string) map[string]string { return map[string]string{deploy.PathRequestID: s} }
	cases := []struct {
		name  string
		req   events.APIGatewayV2HTTPRequest
		route route
		id    string
		code  string
		allow string
	}{
		{"list", req(deploy.RouteListStatus, "GET", nil), routeListJobs, "", "", ""},
		{"get", req(deploy.RouteGetStatus, "GET", id("job-1")), routeGetJob, "job-1", "", ""},
		{"get, escaped parameter", req(deploy.RouteGetStatus, "GET", id("job%3A1")), routeGetJob, "job:1", "", ""},
		{"get, every id character", req(deploy.RouteGetStatus, "GET", id("job.1_a:b-c")), routeGetJob, "job.1_a:b-c", "", ""},
		{"get preferences", req(deploy.RouteGetPreferences, "GET", nil), routeGetPreferences, "", "", ""},
		{"put preferences", req(deploy.RoutePutPreferences, "PUT", nil), routePutPreferences, "", "", ""},
		{"list tokens", req(deploy.RouteListTokens, "GET", nil), routeListTokens, "", "", ""},
		{"create token", req(deploy.RouteCreateToken, "POST", nil), routeCreateToken, "", "", ""},
		{"delete token", req(deploy.RouteDeleteToken, "DELETE", map[string]string{deploy.PathTokenID: "0123456789abcdef"}), routeDeleteToken, "0123456789abcdef", "", ""},
		{"PUT on the tokens", req("PUT /me/tokens", "PUT", nil), routeNone, "", CodeMethodNotAllowed, "GET, POST"},
		{"route key only in the context", func() events.APIGatewayV2HTTPRequest {
			r := req("", "GET", nil)
			r.RequestContext.RouteKey = deploy.RouteListStatus
			return r
		}(), routeListJobs, "", "", ""},
		{"ANY route, GET", req("ANY /me/preferences", "GET", nil), routeGetPreferences, "", "", ""},
		{"ANY route, DELETE", req("ANY /me/preferences", "DELETE", nil), routeNone, "", CodeMethodNotAllowed, "GET, PUT"},
		{"ANY route, POST on a job", req("ANY /status/{request_id}", "POST", id("job-1")), routeNone, "", CodeMethodNotAllowed, "GET"},
		{"DELETE route of a job", req("DELETE /status/{request_id}", "DELETE", id("job-1")), routeNone, "", CodeMethodNotAllowed, "GET"},
		{"POST route of the list", req("POST /status", "POST", nil), routeNone, "", CodeMethodNotAllowed, "GET"},
		{"no route key", req("", "GET", nil), routeNone, "", CodeNotFound, ""},
		{"$default", req("$default", "GET", nil), routeNone, "", CodeNotFound, ""},
		{"another path", req("GET /jobs", "GET", nil), routeNone, "", CodeNotFound, ""},
		{"no parameter", req(deploy.RouteGetStatus, "GET", nil), routeGetJob, "", CodeInvalidRequestID, ""},
		{"empty id", req(deploy.RouteGetStatus, "GET", id("")), routeGetJob, "", CodeInvalidRequestID, ""},
		{"escaped slash", req(deploy.RouteGetStatus, "GET", id("a%2Fb")), routeGetJob, "", CodeInvalidRequestID, ""},
		{"bad escape", req(deploy.RouteGetStatus, "GET", id("a%zz")), routeGetJob, "", CodeInvalidRequestID, ""},
		{"space", req(deploy.RouteGetStatus, "GET", id("a b")), routeGetJob, "", CodeInvalidRequestID, ""},
		{"too long", req(deploy.RouteGetStatus, "GET", id(strings.Repeat("x", 129))), routeGetJob, "", CodeInvalidRequestID, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, id, err := resolve(tc.req)
			code, allow := "", ""
			if err != nil {
				code, allow = err.Code, err.Allow
			}
			if r != tc.route || id != tc.id || code != tc.code || allow != tc.allow {
				t.Errorf("resolve = %v %q %q %q, want %v %q %q %q", r, id, code, allow, tc.route, tc.id, tc.code, tc.allow)
			}
		})
	}
}

// TestRoutesAreDeploys: the function serves exactly the routes pkg/deploy sends it, each with its
// own handler.
func TestRoutesAreDeploys(t *testing.T) {
	want := map[string]bool{}
	for _, r := range deploy.Routes {
		if r.Function == deploy.StatusQuery {
			want[r.Key()] = true
		}
	}
	handlers := map[route]bool{}
	for key, rt := range routes {
		if !want[key] {
			t.Errorf("the function serves %s, which deploy does not route to it", key)
		}
		if handlers[rt] || rt == routeNone || rt.String() != key {
			t.Errorf("route %s: handler %v reused, none, or named %q", key, rt, rt.String())
		}
		handlers[rt] = true
		delete(want, key)
	}
	for key := range want {
		t.Errorf("deploy routes %s to the function, which does not serve it", key)
	}
}
