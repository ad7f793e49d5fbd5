package main

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestGetStatus(t *testing.T) {
	f := newFixture(t)
	f.seed(job("job-clean-001", alice, tables.StatusInProgress, 5), job("job-bob-001", bob, tables.StatusSuccess, 9))
	cases := []struct {
		name   string
		rawID  string
		user   string
		status int
		code   string
	}{
		{"owner", "job-clean-001", alice, 200, ""},
		{"other user's job", "job-bob-001", alice, 404, CodeNotFound},
		{"missing job", "job-nope-404", alice, 404, CodeNotFound},
		{"space", "job%20x", alice, 400, CodeInvalidRequestID},
		{"slash inside", "job%2Fx", alice, 400, CodeInvalidRequestID},
		{"bad escape", "job%zz", alice, 400, CodeInvalidRequestID},
		{"too long", strings.Repeat("a", 129), alice, 400, CodeInvalidRequestID},
		{"longest", strings.Repeat("a", 128), alice, 404, CodeNotFound},
		{"non-ASCII", "j%C3%B6b", alice, 400, CodeInvalidRequestID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp := f.do(getReq(t, tc.rawID, tc.user))
			if resp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, tc.status, resp.Body)
			}
			if tc.status != 200 {
				if code := errorCode(t, resp); code != tc.code {
					t.Errorf("code %q, want %q", code, tc.code)
				}
				return
			}
			var got map[string]any
			if err := json.Unmarshal([]byte(resp.Body), &got); err != nil {
				t.Fatal(err)
			}
			want := map[string]any{
				"request_id": "job-clean-001", "status": "IN_PROGRESS", "timestamp": "2026-11-24T10:00:00.000000Z",
				"updated_at": "2026-11-24T10:05:00.000000Z", "progress": 42.5, "message": "epoch 3/10",
				"started_at": "2026-11-24T10:00:00.000000Z", "in_progress_at": "2026-11-24T10:05:00.000000Z",
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("body %v\nwant %v", got, want)
			}
			if resp.Headers["ETag"] == "" {
				t.Error("no ETag")
			}
		})
	}
}

// TestGetStatusFinalJob: a failed job shows its error and finish time.
func TestGetStatusFinalJob(t *testing.T) {
	f := newFixture(t)
	j := job("job-fail-001", alice, tables.StatusFailed, 20)
	j.Error, j.FinishedAt, j.Progress = "CUDA out of memory", j.UpdatedAt, nil
	f.seed(j)
	resp := f.do(getReq(t, "job-fail-001", alice))
	var got tables.StatusItem
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s %v", resp.StatusCode, resp.Body, err)
	}
	if got.Error != "CUDA out of memory" || got.FinishedAt != j.UpdatedAt || got.Progress != nil {
		t.Errorf("body %s", resp.Body)
	}
}

// TestNotFoundLeaksNothing: another user's job and a missing job give byte-identical answers.
func TestNotFoundLeaksNothing(t *testing.T) {
	f := newFixture(t)
	f.seed(job("job-bob-001", bob, tables.StatusSuccess, 1))
	other := f.do(getReq(t, "job-bob-001", alice))
	missing := f.do(getReq(t, "job-bob-002", alice))
	if other.StatusCode != 404 || !reflect.DeepEqual(other, missing) {
		t.Errorf("other user's job: %+v\nmissing job: %+v", other, missing)
	}
	withStar := getReq(t, "job-bob-001", alice)
	withStar.Headers["if-none-match"] = "*"
	if resp := f.do(withStar); resp.StatusCode != 404 {
		t.Errorf("If-None-Match: * on another user's job: %d", resp.StatusCode)
	}
}

// TestSamples serves every sample of events/apigw.
func TestSamples(t *testing.T) {
	f := newFixture(t)
	f.seed(job("job-clean-001", alice, tables.StatusSuccess, 3), job("job-clean-002", alice, tables.StatusSuccess, 2),
		job("job-clean-003", alice, tables.StatusSuccess, 1))
	cases := []struct {
		file   string
		status int
		code   string
		header string
	}{
		{"get-status.json", 200, "", "ETag"},
		{"list-status.json", 200, "", ""},
		// Its cursor is signed for table "status" (the stub's): for this table it is foreign.
		{"list-status-next-page.json", 400, CodeInvalidCursor, ""},
		{"unauthorized.json", 401, CodeUnauthorized, "WWW-Authenticate"},
		{"wrong-method.json", 405, CodeMethodNotAllowed, "Allow"},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			before := f.ddb.Calls("GetItem", "Query")
			resp := f.do(loadRequest(t, tc.file))
			if resp.StatusCode != tc.status || errorCode(t, resp) != tc.code {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, resp.Body, tc.status, tc.code)
			}
			if tc.header != "" && resp.Headers[tc.header] == "" {
				t.Errorf("no %s header: %v", tc.header, resp.Headers)
			}
			if tc.status == 401 || tc.status == 405 {
				if n := f.ddb.Calls("GetItem", "Query") - before; n != 0 {
					t.Errorf("a refused request made %d DynamoDB calls", n)
				}
			}
			if !strings.Contains(f.logs.String(), `"aws_request_id":"lambda-req-1"`) {
				t.Errorf("log lacks the request id:\n%s", f.logs)
			}
		})
	}
}

// TestOneDynamoDBCallPerRequest counts the calls of every kind of request.
func TestOneDynamoDBCallPerRequest(t *testing.T) {
	f := newFixture(t)
	for i := range 5 {
		f.seed(job(fmt.Sprintf("job-%d", i), alice, tables.StatusSuccess, i))
	}
	f.seed(job("job-bob", bob, tables.StatusStarted, 1))
	first := f.do(listReq(t, "limit=2", alice))
	var page listBody
	if err := json.Unmarshal([]byte(first.Body), &page); err != nil || page.NextCursor == "" {
		t.Fatalf("first page %s: %v", first.Body, err)
	}
	cases := []struct {
		name  string
		req   func() events.APIGatewayV2HTTPRequest
		calls int64
	}{
		{"get own job", func() events.APIGatewayV2HTTPRequest { return getReq(t, "job-1", alice) }, 1},
		{"get missing job", func() events.APIGatewayV2HTTPRequest { return getReq(t, "job-x", alice) }, 1},
		{"get other user's job", func() events.APIGatewayV2HTTPRequest { return getReq(t, "job-bob", alice) }, 1},
		{"list first page", func() events.APIGatewayV2HTTPRequest { return listReq(t, "", alice) }, 1},
		{"list next page", func() events.APIGatewayV2HTTPRequest { return listReq(t, "limit=2&cursor="+page.NextCursor, alice) }, 1},
		{"list filtered", func() events.APIGatewayV2HTTPRequest { return listReq(t, "status=success&limit=3", alice) }, 1},
		{"foreign cursor", func() events.APIGatewayV2HTTPRequest { return listReq(t, "cursor="+page.NextCursor, bob) }, 0},
		{"bad id", func() events.APIGatewayV2HTTPRequest { return getReq(t, "a%20b", alice) }, 0},
		{"bad limit", func() events.APIGatewayV2HTTPRequest { return listReq(t, "limit=0", alice) }, 0},
		{"no claims", func() events.APIGatewayV2HTTPRequest { return loadRequest(t, "unauthorized.json") }, 0},
		{"wrong method", func() events.APIGatewayV2HTTPRequest { return loadRequest(t, "wrong-method.json") }, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.ddb.Calls("GetItem", "Query")
			f.do(tc.req())
			if n := f.ddb.Calls("GetItem", "Query") - before; n != tc.calls {
				t.Errorf("%d DynamoDB calls, want %d", n, tc.calls)
			}
		})
	}
}

// TestDynamoDBFailure: a failing or hanging DynamoDB gives a JSON 500 within the budget, with a
// reference to quote and no internals; the details are in the log.
func TestDynamoDBFailure(t *testing.T) {
	cases := map[string]func(ctx context.Context) error{
		"server error": func(context.Context) error {
			return &smithy.GenericAPIError{Code: "InternalServerError", Message: "boom", Fault: smithy.FaultServer}
		},
		"hangs": func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() },
	}
	for name, fault := range cases {
		for _, route := range []string{"get", "list"} {
			t.Run(name+"/"+route, func(t *testing.T) {
				f := newFixture(t)
				f.h.Budget = 200 * time.Millisecond
				f.ddb.SetFault(ddbtest.FaultOn(fault, "GetItem", "Query"))
				req := getReq(t, "job-1", alice)
				if route == "list" {
					req = listReq(t, "", alice)
				}
				start := time.Now()
				resp := f.do(req)
				if took := time.Since(start); took > time.Second {
					t.Errorf("took %v", took)
				}
				if resp.StatusCode != 500 || errorCode(t, resp) != CodeInternal {
					t.Fatalf("%d %s", resp.StatusCode, resp.Body)
				}
				if !strings.Contains(resp.Body, "Jc3lFhZ1IAMEVhA=") && !strings.Contains(resp.Body, "Jc3lGh01IAMEVkB=") {
					t.Errorf("body %s lacks the reference", resp.Body)
				}
				for _, secret := range []string{f.table.Name(), "boom", "deadline", "ddb"} {
					if strings.Contains(resp.Body, secret) {
						t.Errorf("body %s shows %q", resp.Body, secret)
					}
				}
				if !strings.Contains(f.logs.String(), `"level":"ERROR"`) || !strings.Contains(f.logs.String(), f.table.Name()) {
					t.Errorf("log lacks the details:\n%s", f.logs)
				}
			})
		}
	}
}

type panickyStore struct{ JobStore }

func (panickyStore) Job(context.Context, string) (tables.StatusItem, error) { panic("nil map") }

func TestPanicIsA500(t *testing.T) {
	f := newFixture(t)
	f.h.Jobs = panickyStore{}
	resp := f.do(getReq(t, "job-1", alice))
	if resp.StatusCode != 500 || strings.Contains(resp.Body, "nil map") || !strings.Contains(f.logs.String(), "nil map") {
		t.Errorf("%d %s\n%s", resp.StatusCode, resp.Body, f.logs)
	}
}

func TestHeadersAreNeverLogged(t *testing.T) {
	f := newFixture(t)
	f.do(loadRequest(t, "get-status.json"))
	if strings.Contains(f.logs.String(), "eyJ") || strings.Contains(strings.ToLower(f.logs.String()), "bearer") {
		t.Errorf("the bearer token is in the log:\n%s", f.logs)
	}
}
