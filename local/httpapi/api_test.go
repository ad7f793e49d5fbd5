package httpapi_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/trainstatus/trainstatus/local/httpapi"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/jwt"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

var routes = []httpapi.Route{
	{Method: "GET", Path: "/status", Function: "status-query"},
	{Method: "GET", Path: "/status/{request_id}", Function: "status-query"},
	{Method: "POST", Path: "/v1/events", Function: "status-query", NoAuth: true},
}

// tokens accepts "good" (claims of user u-1) and refuses anything else.
type tokens struct{}

func (tokens) Verify(_ context.Context, tok string) (jwt.Claims, error) {
	if tok != "good" {
		return nil, jwt.ErrSignature
	}
	return jwt.Claims{"sub": "u-1", "exp": float64(1800000000), "cognito:groups": []any{"a", "b"}, "email_verified": true}, nil
}

// fn records the event it gets and answers with a fixed result.
type fn struct {
	got    *events.APIGatewayV2HTTPRequest
	called string
	answer invoke.Result
}

func (f *fn) Invoke(_ context.Context, name string, p []byte) (invoke.Result, error) {
	f.called = name
	f.got = &events.APIGatewayV2HTTPRequest{}
	if err := json.Unmarshal(p, f.got); err != nil {
		return invoke.Result{}, err
	}
	return f.answer, nil
}

func TestAPI(t *testing.T) {
	ok := invoke.Result{Payload: []byte(`{"statusCode":200,"headers":{"ETag":"\"v1\"","Content-Type":"application/json"},"body":"{\"state\":\"RUNNING\"}"}`)}
	cases := []struct {
		name       string
		method     string
		path       string
		header     map[string]string
		answer     invoke.Result
		status     int
		body       string
		respHeader map[string]string
		check      func(t *testing.T, ev *events.APIGatewayV2HTTPRequest)
	}{
		{name: "list with query", method: "GET", path: "/status?limit=5&cursor=abc&x=1&x=2",
			header: map[string]string{"Authorization": "Bearer good", "X-Custom": "v"}, answer: ok,
			status: 200, body: `{"state":"RUNNING"}`, respHeader: map[string]string{"Etag": `"v1"`},
			check: func(t *testing.T, ev *events.APIGatewayV2HTTPRequest) {
				if ev.Version != "2.0" || ev.RouteKey != "GET /status" || ev.RequestContext.RouteKey != "GET /status" || ev.RawPath != "/status" {
					t.Errorf("event %+v", ev)
				}
				if q := ev.QueryStringParameters; q["limit"] != "5" || q["cursor"] != "abc" || q["x"] != "1,2" {
					t.Errorf("query %v", q)
				}
				if ev.Headers["x-custom"] != "v" || ev.Headers["authorization"] != "Bearer good" {
					t.Errorf("headers %v", ev.Headers)
				}
				c := ev.RequestContext.Authorizer.JWT.Claims
				if c["sub"] != "u-1" || c["exp"] != "1800000000" || c["cognito:groups"] != "[a b]" || c["email_verified"] != "true" {
					t.Errorf("claims %v", c)
				}
				if ev.RequestContext.HTTP.Method != "GET" || ev.RequestContext.Stage != "$default" || ev.RequestContext.RequestID == "" {
					t.Errorf("request context %+v", ev.RequestContext)
				}
			}},
		{name: "one job", method: "GET", path: "/status/req-42", header: map[string]string{"Authorization": "Bearer good", "If-None-Match": `"v1"`},
			answer: invoke.Result{Payload: []byte(`{"statusCode":304,"headers":{"ETag":"\"v1\""}}`)}, status: 304,
			check: func(t *testing.T, ev *events.APIGatewayV2HTTPRequest) {
				if ev.RouteKey != "GET /status/{request_id}" || ev.PathParameters["request_id"] != "req-42" || ev.Headers["if-none-match"] != `"v1"` {
					t.Errorf("event %+v", ev)
				}
			}},
		{name: "bare JSON answer", method: "GET", path: "/status", header: map[string]string{"Authorization": "Bearer good"},
			answer: invoke.Result{Payload: []byte(`{"a":1}`)}, status: 200, body: `{"a":1}`},
		{name: "function error", method: "GET", path: "/status", header: map[string]string{"Authorization": "Bearer good"},
			answer: invoke.Result{Payload: []byte(`{"errorMessage":"x","errorType":"y"}`), FunctionError: "Unhandled"},
			status: 500, body: `{"message":"Internal Server Error"}`},
		{name: "no token", method: "GET", path: "/status", status: 401, body: `{"message":"Unauthorized"}`},
		{name: "bad token", method: "GET", path: "/status/req-42", header: map[string]string{"Authorization": "Bearer bad"},
			status: 401, body: `{"message":"Unauthorized"}`},
		{name: "route without authorizer: the raw Authorization header passes", method: "POST", path: "/v1/events",
			header: map[string]string{"Authorization": "Bearer tsk_not-a-jwt"}, answer: ok, status: 200, body: `{"state":"RUNNING"}`,
			check: func(t *testing.T, ev *events.APIGatewayV2HTTPRequest) {
				if ev.RouteKey != "POST /v1/events" || ev.Headers["authorization"] != "Bearer tsk_not-a-jwt" || ev.RequestContext.Authorizer != nil {
					t.Errorf("event %+v", ev)
				}
			}},
		{name: "route without authorizer, no header", method: "POST", path: "/v1/events", answer: ok, status: 200, body: `{"state":"RUNNING"}`,
			check: func(t *testing.T, ev *events.APIGatewayV2HTTPRequest) {
				if _, ok := ev.Headers["authorization"]; ok || ev.RequestContext.Authorizer != nil {
					t.Errorf("event %+v", ev)
				}
			}},
		{name: "unknown route", method: "GET", path: "/jobs", status: 404, body: `{"message":"Not Found"}`},
		{name: "too deep", method: "GET", path: "/status/a/b", header: map[string]string{"Authorization": "Bearer good"},
			status: 404, body: `{"message":"Not Found"}`},
		{name: "wrong method", method: "POST", path: "/status", header: map[string]string{"Authorization": "Bearer good"},
			status: 404, body: `{"message":"Not Found"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := &fn{answer: tc.answer}
			srv := httptest.NewServer(&httpapi.API{Routes: routes, Auth: tokens{}, Invoker: f, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
			defer srv.Close()
			req, _ := http.NewRequest(tc.method, srv.URL+tc.path, nil)
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tc.status || strings.TrimSpace(string(b)) != tc.body {
				t.Fatalf("got %d %s, want %d %s", resp.StatusCode, b, tc.status, tc.body)
			}
			for k, v := range tc.respHeader {
				if resp.Header.Get(k) != v {
					t.Errorf("header %s = %q, want %q", k, resp.Header.Get(k), v)
				}
			}
			if tc.status == 401 || tc.status == 404 {
				if f.got != nil {
					t.Errorf("function invoked for a %d", tc.status)
				}
				return
			}
			if f.called != "status-query" {
				t.Errorf("invoked %q", f.called)
			}
			if tc.check != nil {
				tc.check(t, f.got)
			}
		})
	}
}

// TestThroughEmulator sends a request through the real emulator: the test handler answers the
// event it got, so the HTTP answer is the payload 2.0 event as the function saw it.
func TestThroughEmulator(t *testing.T) {
	tools := testenv.Tools(t)
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	r, err := invoke.StartRouter(context.Background(), log, tools.RIE, []invoke.Function{
		{Name: "status-query", Bootstrap: testenv.Bootstrap(t), Timeout: 3 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Stop()
	srv := httptest.NewServer(&httpapi.API{Routes: routes, Auth: tokens{}, Invoker: r, Log: log})
	defer srv.Close()
	req, _ := http.NewRequest("GET", srv.URL+"/status/req-7?x=1", nil)
	req.Header.Set("Authorization", "Bearer good")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var ev events.APIGatewayV2HTTPRequest
	if err := json.NewDecoder(resp.Body).Decode(&ev); err != nil || resp.StatusCode != 200 {
		t.Fatalf("status %d, decode %v", resp.StatusCode, errors.Join(err))
	}
	if ev.PathParameters["request_id"] != "req-7" || ev.RequestContext.Authorizer.JWT.Claims["sub"] != "u-1" || ev.QueryStringParameters["x"] != "1" {
		t.Fatalf("event seen by the function: %+v", ev)
	}
}
