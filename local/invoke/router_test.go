package invoke_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/invoke"
)

func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }

// startRouter serves two functions from the test handler: "echo" with one emulator and
// "pooled" with three, behind an httptest server.
func startRouter(t *testing.T) (*invoke.Router, *httptest.Server) {
	t.Helper()
	tools := testenv.Tools(t)
	boot := testenv.Bootstrap(t)
	fns := []invoke.Function{
		{Name: "echo", Bootstrap: boot, Timeout: 2 * time.Second, MemoryMB: 256, Concurrency: 1,
			Env: map[string]string{"STATUS_TABLE_NAME": "status-local"}},
		// A long timeout: the concurrency test holds its invokes until all three are inside.
		{Name: "pooled", Bootstrap: boot, Timeout: time.Minute, Concurrency: 3},
	}
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	r, err := invoke.StartRouter(context.Background(), log, tools.RIE, fns)
	if err != nil {
		t.Fatalf("StartRouter: %v", err)
	}
	srv := httptest.NewServer(r)
	t.Cleanup(func() { srv.Close(); r.Stop() })
	return r, srv
}

func post(t *testing.T, url, body string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestRouterInvokeAPI(t *testing.T) {
	_, srv := startRouter(t)
	fn := func(name string) string { return srv.URL + "/2015-03-31/functions/" + name + "/invocations" }
	// The timeout case calls a gate that is never released: the function is still inside its
	// handler when its 2 s timeout ends it, however slow the machine (a sleep of 3.5 s was not).
	never := testenv.NewGate(t)
	cases := []struct {
		name, url, body string
		hdr             map[string]string
		status          int
		funcErr         string
		bodyHas         []string
	}{
		{name: "echo serializes the payload", url: fn("echo"), body: `{"a":1,"s":"x"}`,
			status: 200, bodyHas: []string{`"a":1`, `"s":"x"`, `"function":"echo"`}},
		{name: "by ARN", url: fn("arn:aws:lambda:us-east-1:000000000000:function:echo"), body: `{"b":2}`,
			status: 200, bodyHas: []string{`"b":2`}},
		{name: "environment reaches the function", url: fn("echo"), body: `{"env":"STATUS_TABLE_NAME"}`,
			status: 200, bodyHas: []string{`"value":"status-local"`}},
		{name: "function name variable", url: fn("pooled"), body: `{"env":"AWS_LAMBDA_FUNCTION_NAME"}`,
			status: 200, bodyHas: []string{`"value":"pooled"`}},
		{name: "timeout from the function config", url: fn("echo"), body: `{"env":"AWS_LAMBDA_FUNCTION_TIMEOUT"}`,
			status: 200, bodyHas: []string{`"value":"2"`}},
		{name: "handler error is marked", url: fn("echo"), body: `{"error":"boom"}`,
			status: 200, funcErr: "Unhandled", bodyHas: []string{`"errorMessage":"boom"`}},
		{name: "panic is marked", url: fn("echo"), body: `{"panic":true}`,
			status: 200, funcErr: "Unhandled", bodyHas: []string{`testfn asked to panic`}},
		{name: "works after a panic", url: fn("echo"), body: `{"c":3}`, status: 200, bodyHas: []string{`"c":3`}},
		{name: "timeout is marked", url: fn("echo"), body: `{"call":"` + never.URL + `"}`,
			status: 200, funcErr: "Unhandled", bodyHas: []string{`Task timed out after 2.00 seconds`, `Sandbox.Timedout`}},
		{name: "works after a timeout", url: fn("echo"), body: `{"d":4}`, status: 200, bodyHas: []string{`"d":4`}},
		{name: "process exit is marked", url: fn("echo"), body: `{"exit":true}`,
			status: 200, funcErr: "Unhandled", bodyHas: []string{`errorMessage`}},
		{name: "works after an exit", url: fn("echo"), body: `{"e":5}`, status: 200, bodyHas: []string{`"e":5`}},
		{name: "unknown function", url: fn("nope"), body: `{}`, status: 404, bodyHas: []string{`Function not found: nope`}},
		{name: "unknown path", url: srv.URL + "/2015-03-31/functions/echo", body: `{}`, status: 404},
		{name: "dry run", url: fn("echo"), body: `{}`, hdr: map[string]string{"X-Amz-Invocation-Type": "DryRun"}, status: 204},
		{name: "event invocation", url: fn("echo"), body: `{}`, hdr: map[string]string{"X-Amz-Invocation-Type": "Event"}, status: 202},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, body := post(t, tc.url, tc.body, tc.hdr)
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, body)
			}
			if got := resp.Header.Get("X-Amz-Function-Error"); got != tc.funcErr {
				t.Errorf("X-Amz-Function-Error %q, want %q; body %s", got, tc.funcErr, body)
			}
			for _, s := range tc.bodyHas {
				if !strings.Contains(body, s) {
					t.Errorf("body %s lacks %s", body, s)
				}
			}
		})
	}
}

// TestRouterConcurrency checks one invoke at a time per emulator, on events rather than on
// durations: every invoke calls a gate. With one emulator ("echo") the gate never holds two
// calls at once and all four invokes succeed (the emulator alone would crash on the second);
// with three ("pooled") the gate holds all three at once before it lets them go.
func TestRouterConcurrency(t *testing.T) {
	r, _ := startRouter(t)
	cases := []struct {
		function string
		calls    int
		together int // calls the gate waits to hold at once before releasing them; 0: release at once
		maxHeld  int
	}{
		{function: "echo", calls: 4, maxHeld: 1},
		{function: "pooled", calls: 3, together: 3, maxHeld: 3},
	}
	for _, tc := range cases {
		t.Run(tc.function, func(t *testing.T) {
			gate := testenv.NewGate(t)
			if tc.together == 0 {
				gate.Release()
			}
			var wg sync.WaitGroup
			var ok atomic.Int32
			for i := range tc.calls {
				wg.Add(1)
				go func() {
					defer wg.Done()
					payload, _ := json.Marshal(map[string]any{"call": gate.URL, "i": i})
					res, err := r.Invoke(context.Background(), tc.function, payload)
					if err != nil || res.FunctionError != "" || !bytes.Contains(res.Payload, []byte(`"call_status":200`)) {
						t.Errorf("invoke %d: %v %s %s", i, err, res.FunctionError, res.Payload)
						return
					}
					ok.Add(1)
				}()
			}
			for range tc.together {
				<-gate.Arrived()
			}
			gate.Release()
			wg.Wait()
			if int(ok.Load()) != tc.calls {
				t.Fatalf("%d of %d invokes succeeded", ok.Load(), tc.calls)
			}
			if got := gate.MaxHeld(); got != tc.maxHeld {
				t.Errorf("%d invokes inside the function at once, want %d", got, tc.maxHeld)
			}
		})
	}
}

// TestClient checks the HTTP client reads the function error header the Router writes.
func TestClient(t *testing.T) {
	_, srv := startRouter(t)
	c := invoke.Client{Endpoint: srv.URL}
	res, err := c.Invoke(context.Background(), "echo", []byte(`{"error":"bad"}`))
	if err != nil || res.FunctionError != "Unhandled" || !strings.Contains(string(res.Payload), "bad") {
		t.Fatalf("got %v %q %s", err, res.FunctionError, res.Payload)
	}
	if _, err := c.Invoke(context.Background(), "missing", []byte(`{}`)); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("missing function: err %v, want HTTP 404", err)
	}
}
