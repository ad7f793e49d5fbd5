package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
)

func TestResolve(t *testing.T) {
	req := func(routeKey, method, rawPath, stage string, params map[string]string) events.APIGatewayV2HTTPRequest {
		r := events.APIGatewayV2HTTPRequest{RouteKey: routeKey, RawPath: rawPath, PathParameters: params}
		r.RequestContext.HTTP.Method = method
		r.RequestContext.Stage = stage
		return r
	}
	cases := []struct {
		name  string
		req   events.APIGatewayV2HTTPRequest
		route route
		id    string
		code  string
	}{
		{"route key list", req("GET /status", "GET", "/status", "$default", nil), routeList, "", ""},
		{"route key get", req("GET /status/{request_id}", "GET", "/status/job-1", "$default", map[string]string{"request_id": "job-1"}), routeGet, "job-1", ""},
		{"route key get, escaped parameter", req("GET /status/{request_id}", "GET", "/status/job%3A1", "$default", map[string]string{"request_id": "job%3A1"}), routeGet, "job:1", ""},
		{"route key get, no parameters", req("GET /status/{request_id}", "GET", "/status/job-1", "", nil), routeGet, "job-1", ""},
		{"$default list", req("$default", "GET", "/status", "$default", nil), routeList, "", ""},
		{"$default get", req("$default", "GET", "/status/job.1_a:b-c", "$default", nil), routeGet, "job.1_a:b-c", ""},
		{"no route key", req("", "GET", "/status/job-1", "", nil), routeGet, "job-1", ""},
		{"named stage", req("$default", "GET", "/prod/status/job-1", "prod", nil), routeGet, "job-1", ""},
		{"named stage list", req("$default", "GET", "/prod/status", "prod", nil), routeList, "", ""},
		{"escaped colon", req("$default", "GET", "/status/job%3a1", "$default", nil), routeGet, "job:1", ""},
		{"delete", req("$default", "DELETE", "/status/job-1", "$default", nil), routeGet, "", CodeMethodNotAllowed},
		{"post list", req("POST /status", "POST", "/status", "$default", nil), routeList, "", CodeMethodNotAllowed},
		{"head", req("$default", "HEAD", "/status", "$default", nil), routeList, "", CodeMethodNotAllowed},
		{"unknown path", req("$default", "GET", "/jobs", "$default", nil), routeNone, "", CodeNotFound},
		{"prefix only", req("$default", "GET", "/statusx", "$default", nil), routeNone, "", CodeNotFound},
		{"too deep", req("$default", "GET", "/status/a/b", "$default", nil), routeNone, "", CodeNotFound},
		{"trailing slash", req("$default", "GET", "/status/", "$default", nil), routeGet, "", CodeInvalidRequestID},
		{"escaped slash", req("$default", "GET", "/status/a%2Fb", "$default", nil), routeGet, "", CodeInvalidRequestID},
		{"unknown path, wrong method", req("$default", "PUT", "/jobs", "$default", nil), routeNone, "", CodeNotFound},
		{"bad id in parameter", req("GET /status/{request_id}", "GET", "/status/a%20b", "$default", map[string]string{"request_id": "a b"}), routeGet, "", CodeInvalidRequestID},
		{"too long", req("$default", "GET", "/status/"+strings.Repeat("x", 129), "$default", nil), routeGet, "", CodeInvalidRequestID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r, id, err := resolve(tc.req)
			code := ""
			if err != nil {
				code = err.Code
			}
			if r != tc.route || id != tc.id || code != tc.code {
				t.Errorf("resolve = %v %q %q, want %v %q %q", r, id, code, tc.route, tc.id, tc.code)
			}
		})
	}
}
