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
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

func ptr[T any](v T) *T { return &v }

func TestGetStatus(t *testing.T) {
	f := newFixture(t)
	f.seed(item("job-clean-001", alice, job.InProgress, 0, 5), item("job-bob-001", bob, job.Success, 0, 9))
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
		{"escaped colon", "job%3Aclean", alice, 404, CodeNotFound},
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
			want := statusapi.Job{
				RequestID: "job-clean-001", Status: job.InProgress, Timestamp: "2026-11-24T10:00:00.000000Z",
				UpdatedAt: "2026-11-24T10:05:00.000000Z", Progress: ptr(42.5), Message: "epoch 3/10",
				StartedAt: "2026-11-24T10:00:00.000000Z", InProgressAt: "2026-11-24T10:05:00.000000Z",
				StallWindowSeconds: 900,
			}
			if got := decodeJob(t, resp); !reflect.DeepEqual(got, want) {
				t.Errorf("body %+v\nwant %+v", got, want)
			}
			for _, internal := range []string{"user_id", "last_event", "expires_at", "first_report", "notified_at"} {
				if strings.Contains(resp.Body, internal) {
					t.Errorf("stored attribute %s in the body %s", internal, resp.Body)
				}
			}
			if resp.Headers["ETag"] == "" {
				t.Error("no ETag")
			}
		})
	}
}

// TestGetStatusFinalJob: a failed job shows its error and finish time, and neither ETA nor stall.
func TestGetStatusFinalJob(t *testing.T) {
	f := newFixture(t)
	j := item("job-fail-001", alice, job.Failed, 0, 20)
	j.Error, j.FinishedAt, j.Progress = "CUDA out of memory", j.UpdatedAt, nil
	f.seed(j)
	f.now = t0.Add(48 * time.Hour)
	resp := f.do(getReq(t, "job-fail-001", alice))
	got := decodeJob(t, resp)
	if got.Error != "CUDA out of memory" || got.FinishedAt != j.UpdatedAt || got.Progress != nil || got.Stalled || got.ETA != "" {
		t.Errorf("body %s", resp.Body)
	}
	if strings.Contains(resp.Body, `"stalled"`) || !strings.Contains(resp.Body, `"stall_window_seconds":900`) {
		t.Errorf("body %s: want no stalled field and the stall window", resp.Body)
	}
}

// TestTwoUsersSameRequestID: alice and bob each run a job called job-123; each sees their own,
// never the other's, and a third user gets the 404 of a missing job, to the byte.
func TestTwoUsersSameRequestID(t *testing.T) {
	f := newFixture(t)
	const carol = "0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5"
	a := item("job-123", alice, job.InProgress, 0, 5)
	a.Message = "alice's epoch"
	b := item("job-123", bob, job.Success, 1, 9)
	b.Message = "bob's run"
	f.seed(a, b)
	cases := []struct {
		user    string
		status  job.Status
		message string
	}{
		{alice, job.InProgress, "alice's epoch"},
		{bob, job.Success, "bob's run"},
	}
	for _, tc := range cases {
		t.Run(tc.user, func(t *testing.T) {
			got := decodeJob(t, f.do(getReq(t, "job-123", tc.user)))
			if got.Status != tc.status || got.Message != tc.message {
				t.Errorf("%s sees %+v, want %s %q", tc.user, got, tc.status, tc.message)
			}
			list := f.do(listReq(t, "", tc.user))
			var page statusapi.JobList
			if err := json.Unmarshal([]byte(list.Body), &page); err != nil || len(page.Items) != 1 || page.Items[0].Message != tc.message {
				t.Errorf("%s lists %s", tc.user, list.Body)
			}
		})
	}
	stranger := f.do(getReq(t, "job-123", carol))
	missing := f.do(getReq(t, "job-124", carol))
	if stranger.StatusCode != 404 || stranger.Body != missing.Body || !reflect.DeepEqual(stranger.Headers, missing.Headers) {
		t.Errorf("another user's job: %+v\nmissing job: %+v", stranger, missing)
	}
}

// TestNotFoundLeaksNothing: another user's job and a missing job give byte-identical answers.
func TestNotFoundLeaksNothing(t *testing.T) {
	f := newFixture(t)
	f.seed(item("job-bob-001", bob, job.Success, 0, 1))
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
	f.seed(item("job-clean-001", alice, job.Success, 3, 3), item("job-clean-002", alice, job.Success, 2, 2),
		item("job-clean-003", alice, job.Success, 1, 1))
	if err := f.users.Create(userRecord(alice, nil)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		file   string
		status int
		code   string
		header string
		body   string // "" for any
	}{
		{"get-status.json", 200, "", "ETag", ""},
		{"list-status.json", 200, "", "", ""},
		// Its cursor is signed for table "status" (the stub's): for this table it is foreign.
		{"list-status-next-page.json", 400, CodeInvalidCursor, "", ""},
		{"get-preferences.json", 200, "", "", `{"email_notifications":true}`},
		{"put-preferences.json", 200, "", "", `{"email_notifications":false}`},
		{"unauthorized.json", 401, CodeUnauthorized, "WWW-Authenticate", ""},
		{"wrong-method.json", 405, CodeMethodNotAllowed, "Allow", ""},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			before := f.ddb.Calls()
			resp := f.do(loadRequest(t, tc.file))
			if resp.StatusCode != tc.status || errorCode(t, resp) != tc.code {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, resp.Body, tc.status, tc.code)
			}
			if tc.header != "" && resp.Headers[tc.header] == "" {
				t.Errorf("no %s header: %v", tc.header, resp.Headers)
			}
			if tc.body != "" && resp.Body != tc.body {
				t.Errorf("body %s, want %s", resp.Body, tc.body)
			}
			if tc.status == 401 || tc.status == 405 {
				if n := f.ddb.Calls() - before; n != 0 {
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
		f.seed(item(fmt.Sprintf("job-%d", i), alice, job.Success, i, i))
	}
	f.seed(item("job-bob", bob, job.Started, 1, 1))
	if err := f.users.Create(userRecord(alice, nil)).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	first := f.do(listReq(t, "limit=2", alice))
	var page statusapi.JobList
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
		{"get preferences", func() events.APIGatewayV2HTTPRequest { return prefReq(t, "GET", "", alice) }, 1},
		{"put preferences", func() events.APIGatewayV2HTTPRequest {
			return prefReq(t, "PUT", `{"email_notifications":false}`, alice)
		}, 1},
		{"put preferences, no record", func() events.APIGatewayV2HTTPRequest { return prefReq(t, "PUT", `{"email_notifications":false}`, bob) }, 1},
		{"foreign cursor", func() events.APIGatewayV2HTTPRequest { return listReq(t, "cursor="+page.NextCursor, bob) }, 0},
		{"bad id", func() events.APIGatewayV2HTTPRequest { return getReq(t, "a%20b", alice) }, 0},
		{"bad limit", func() events.APIGatewayV2HTTPRequest { return listReq(t, "limit=0", alice) }, 0},
		{"bad preferences body", func() events.APIGatewayV2HTTPRequest { return prefReq(t, "PUT", `{"email":false}`, alice) }, 0},
		{"no claims", func() events.APIGatewayV2HTTPRequest { return loadRequest(t, "unauthorized.json") }, 0},
		{"wrong method", func() events.APIGatewayV2HTTPRequest { return loadRequest(t, "wrong-method.json") }, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			before := f.ddb.Calls()
			f.do(tc.req())
			if n := f.ddb.Calls() - before; n != tc.calls {
				t.Errorf("%d DynamoDB calls, want %d", n, tc.calls)
			}
		})
	}
}

// logLines returns the JSON log lines written so far.
func logLines(t *testing.T, f *fixture) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(f.logs.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

// TestDynamoDBFailure: a failing or hanging DynamoDB gives a JSON 500 within the budget, with a
// reference to quote and no internals, and exactly one log line, at ERROR level, with the request
// ids and the cause (what the alarm's metric filter counts).
func TestDynamoDBFailure(t *testing.T) {
	faults := map[string]func(ctx context.Context) error{
		"server error": func(context.Context) error {
			return &smithy.GenericAPIError{Code: "InternalServerError", Message: "boom", Fault: smithy.FaultServer}
		},
		"hangs": func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() },
	}
	reqs := map[string]func(t *testing.T) events.APIGatewayV2HTTPRequest{
		"get job":         func(t *testing.T) events.APIGatewayV2HTTPRequest { return getReq(t, "job-1", alice) },
		"list jobs":       func(t *testing.T) events.APIGatewayV2HTTPRequest { return listReq(t, "", alice) },
		"get preferences": func(t *testing.T) events.APIGatewayV2HTTPRequest { return prefReq(t, "GET", "", alice) },
		"put preferences": func(t *testing.T) events.APIGatewayV2HTTPRequest {
			return prefReq(t, "PUT", `{"email_notifications":true}`, alice)
		},
	}
	for name, fault := range faults {
		for route, req := range reqs {
			t.Run(name+"/"+route, func(t *testing.T) {
				f := newFixture(t)
				f.h.Budget = 200 * time.Millisecond
				f.ddb.SetFault(ddbtest.FaultOn(fault, "GetItem", "Query", "UpdateItem"))
				r := req(t)
				resp := f.do(r)
				if resp.StatusCode != 500 || errorCode(t, resp) != CodeInternal {
					t.Fatalf("%d %s", resp.StatusCode, resp.Body)
				}
				ref := r.RequestContext.RequestID
				if !strings.Contains(resp.Body, "reference "+ref) {
					t.Errorf("body %s lacks the reference %s", resp.Body, ref)
				}
				for _, secret := range []string{f.jobs.Name(), f.users.Name(), "boom", "deadline", "ddb"} {
					if strings.Contains(resp.Body, secret) {
						t.Errorf("body %s shows %q", resp.Body, secret)
					}
				}
				lines := logLines(t, f)
				if len(lines) != 1 {
					t.Fatalf("%d log lines, want 1:\n%s", len(lines), f.logs)
				}
				l := lines[0]
				if l["level"] != "ERROR" || l["aws_request_id"] != "lambda-req-1" || l["api_request_id"] != ref ||
					l["reference"] != ref || l["status"] != 500.0 || !strings.Contains(fmt.Sprint(l["error"]), "ddb:") {
					t.Errorf("log line %v: want level ERROR, both request ids, the reference, status 500 and the cause", l)
				}
			})
		}
	}
}

// TestPanicIsA500: a panic anywhere in a request (here, in the DynamoDB client) is a JSON 500 and
// an ERROR line with the panic, never a crash of the instance.
func TestPanicIsA500(t *testing.T) {
	f := newFixture(t)
	f.ddb.SetFault(func(context.Context, string, any) error { panic("nil map") })
	resp := f.do(getReq(t, "job-1", alice))
	if resp.StatusCode != 500 || strings.Contains(resp.Body, "nil map") {
		t.Errorf("%d %s", resp.StatusCode, resp.Body)
	}
	if l := logLines(t, f); len(l) != 1 || l[0]["level"] != "ERROR" || !strings.Contains(fmt.Sprint(l[0]["error"]), "nil map") {
		t.Errorf("log:\n%s", f.logs)
	}
}

// TestSuccessIsNotAnError: answers below 500 log at INFO, so the ERROR metric counts only 5xx.
func TestSuccessIsNotAnError(t *testing.T) {
	f := newFixture(t)
	f.seed(item("job-1", alice, job.InProgress, 0, 5))
	for _, req := range []events.APIGatewayV2HTTPRequest{getReq(t, "job-1", alice), getReq(t, "job-2", alice),
		listReq(t, "limit=0", alice), loadRequest(t, "unauthorized.json"), loadRequest(t, "wrong-method.json")} {
		f.do(req)
	}
	for _, l := range logLines(t, f) {
		if l["level"] != "INFO" {
			t.Errorf("line %v is not INFO", l)
		}
	}
}

func TestHeadersAreNeverLogged(t *testing.T) {
	f := newFixture(t)
	f.do(loadRequest(t, "get-status.json"))
	f.do(loadRequest(t, "put-preferences.json"))
	if strings.Contains(f.logs.String(), "eyJ") || strings.Contains(strings.ToLower(f.logs.String()), "bearer") {
		t.Errorf("the bearer token is in the log:\n%s", f.logs)
	}
}
