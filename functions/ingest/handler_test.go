package main

import (
	"context"
	"encoding/base64"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/token"
)

// TestRefusals: every refusal, its status, code and headers; nothing is enqueued and the rate
// window is untouched.
func TestRefusals(t *testing.T) {
	f := newFixture(t, options{ttl: 30 * time.Second})
	secret := f.token(alice)
	revoked := f.token(alice)
	if err := f.store.Revoke(context.Background(), alice, revoked.ID()); err != nil {
		t.Fatal(err)
	}
	unknown, _ := token.Generate()
	hundredOne := make([]string, statusapi.MaxIngestEvents+1)
	for i := range hundredOne {
		hundredOne[i] = event(fmt.Sprint("job-", i))
	}
	wrongMethod := post(auth(secret), event("job-1"))
	wrongMethod.RouteKey, wrongMethod.RequestContext.RouteKey = "ANY /v1/events", "ANY /v1/events"
	wrongMethod.RequestContext.HTTP.Method = "PUT"
	cases := []struct {
		name    string
		req     events.APIGatewayV2HTTPRequest
		status  int
		code    string
		headers map[string]string
	}{
		{"no Authorization", post("", event("job-1")), 401, CodeUnauthorized, map[string]string{"WWW-Authenticate": "Bearer"}},
		{"unknown token", post(auth(unknown), event("job-1")), 401, CodeUnauthorized, map[string]string{"WWW-Authenticate": "Bearer"}},
		{"revoked token", post(auth(revoked), event("job-1")), 401, CodeUnauthorized, nil},
		{"not Bearer", post("Basic "+secret.Reveal(), event("job-1")), 401, CodeUnauthorized, nil},
		{"bare secret", post(secret.Reveal(), event("job-1")), 401, CodeUnauthorized, nil},
		{"malformed secret", post("Bearer tsk_"+strings.Repeat("A", 32), event("job-1")), 401, CodeUnauthorized, nil},
		{"a JWT", post("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln", event("job-1")), 401, CodeUnauthorized, nil},
		{"unauthenticated, bad body", post("", "not json"), 401, CodeUnauthorized, nil},
		{"over 1 MiB", post(auth(secret), event("job-1")+strings.Repeat(" ", statusapi.MaxIngestBody)), 413, CodeBodyTooLarge, nil},
		{"over 1 MiB, unauthenticated", post("", strings.Repeat(" ", statusapi.MaxIngestBody+1)), 413, CodeBodyTooLarge, nil},
		{"over 1 MiB in base64", func() events.APIGatewayV2HTTPRequest {
			r := post(auth(secret), base64.StdEncoding.EncodeToString([]byte(strings.Repeat(" ", statusapi.MaxIngestBody+3))))
			r.IsBase64Encoded = true
			return r
		}(), 413, CodeBodyTooLarge, nil},
		{"empty body", post(auth(secret), ""), 400, CodeInvalidBody, nil},
		{"not JSON", post(auth(secret), "status=STARTED"), 400, CodeInvalidBody, nil},
		{"a JSON array", post(auth(secret), "["+event("job-1")+"]"), 400, CodeInvalidBody, nil},
		{"null", post(auth(secret), "null"), 400, CodeInvalidBody, nil},
		{"truncated", post(auth(secret), event("job-1")[:20]), 400, CodeInvalidBody, nil},
		{"no events", post(auth(secret), `{"events":[]}`), 400, CodeInvalidBody, nil},
		{"events not a list", post(auth(secret), `{"events":{"request_id":"x"}}`), 400, CodeInvalidBody, nil},
		{"events null", post(auth(secret), `{"events":null}`), 400, CodeInvalidBody, nil},
		{"101 events", post(auth(secret), batch(hundredOne...)), 400, CodeInvalidBody, nil},
		{"wrong method", wrongMethod, 405, CodeMethodNotAllowed, map[string]string{"Allow": "POST"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.spy.Reset()
			resp := f.do(tc.req)
			if resp.StatusCode != tc.status || errorCode(t, resp) != tc.code {
				t.Fatalf("%d %s, want %d %s", resp.StatusCode, resp.Body, tc.status, tc.code)
			}
			for k, v := range tc.headers {
				if resp.Headers[k] != v {
					t.Errorf("header %s = %q, want %q", k, resp.Headers[k], v)
				}
			}
			if n := f.calls("UpdateItem"); n != 0 {
				t.Errorf("a refused request made %d UpdateItem calls (rate window or last used)", n)
			}
			if tc.status == 413 && f.calls() != 0 {
				t.Errorf("a body too large cost %d DynamoDB calls", f.calls())
			}
		})
	}
	if n := len(f.sqs.Messages(queueURL)); n != 0 || f.sqs.Calls("SendMessageBatch") != 0 {
		t.Errorf("%d messages enqueued by refused requests", n)
	}
	// The same answer, to the byte, for a missing, an unknown and a revoked token.
	a, b, c := f.do(post("", event("j"))), f.do(post(auth(unknown), event("j"))), f.do(post(auth(revoked), event("j")))
	if !reflect.DeepEqual(a, b) || !reflect.DeepEqual(b, c) {
		t.Errorf("401s differ:\n%+v\n%+v\n%+v", a, b, c)
	}
	if strings.Contains(f.logs.String(), secret.Reveal()) || strings.Contains(f.logs.String(), unknown.Reveal()) {
		t.Error("a secret is in the logs")
	}
}

func TestAcceptsAndRefusesPerEvent(t *testing.T) {
	f := newFixture(t, options{ttl: 30 * time.Second})
	secret := f.token(alice)

	// One event, no user_id: accepted and enqueued as alice's.
	resp := f.do(post(auth(secret), event("job-1", `"name":"resnet50 lr=0.1"`)))
	want := statusapi.IngestResponse{Accepted: 1, Results: []statusapi.IngestResult{{Index: 0, RequestID: "job-1", Status: "accepted"}}}
	if resp.StatusCode != 200 || !reflect.DeepEqual(f.results(resp), want) {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	got := f.enqueued()
	if len(got) != 1 || got[0].UserID != alice || got[0].RequestID != "job-1" || got[0].Name != "resnet50 lr=0.1" {
		t.Fatalf("enqueued %+v", got)
	}

	// A batch: valid events (one naming alice herself) pass, each bad one is refused with its
	// field and reason, and only those.
	resp = f.do(post(auth(secret), batch(
		event("job-2"),
		event("job-3", `"user_id":"`+bob+`"`),
		event("job-4", `"user_id":"`+alice+`"`),
		`{"request_id":"job-5","status":"RUNNING","event_time":"2026-12-07T10:00:00Z"}`,
		`"a string"`,
		event("job-6", `"progress":150`),
	)))
	out := f.results(resp)
	wantResults := []statusapi.IngestResult{
		{Index: 0, RequestID: "job-2", Status: "accepted"},
		{Index: 1, RequestID: "job-3", Status: "refused", Field: "user_id", Reason: "must be the token's owner or absent"},
		{Index: 2, RequestID: "job-4", Status: "accepted"},
		{Index: 3, RequestID: "job-5", Status: "refused", Field: "status"},
		{Index: 4, Status: "refused", Field: "body", Reason: "must be a JSON object"},
		{Index: 5, RequestID: "job-6", Status: "refused", Field: "progress"},
	}
	if resp.StatusCode != 200 || out.Accepted != 2 || out.Refused != 4 || len(out.Results) != len(wantResults) {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	for i, w := range wantResults {
		g := out.Results[i]
		if w.Reason == "" && g.Reason != "" {
			g.Reason = "" // checked for presence only
		}
		if g != w || out.Results[i].Status == "refused" && out.Results[i].Reason == "" {
			t.Errorf("result %d: %+v, want %+v", i, out.Results[i], w)
		}
	}
	var ids []string
	for _, ev := range f.enqueued() {
		if ev.UserID != alice {
			t.Errorf("enqueued as %s", ev.UserID)
		}
		ids = append(ids, ev.RequestID)
	}
	if strings.Join(ids, ",") != "job-1,job-2,job-4" {
		t.Errorf("enqueued %v", ids)
	}
}

// TestBatchOf100 sends 100 events of 10 KiB: SendMessageBatch calls of at most 10 entries and
// 256 KiB each, every event enqueued once.
func TestBatchOf100(t *testing.T) {
	f := newFixture(t, options{ttl: 30 * time.Second})
	secret := f.token(alice)
	evs := make([]string, statusapi.MaxIngestEvents)
	for i := range evs {
		evs[i] = event(fmt.Sprint("job-", i), `"message":"`+strings.Repeat("m", 1000)+`"`)
	}
	resp := f.do(post(auth(secret), batch(evs...)))
	if out := f.results(resp); resp.StatusCode != 200 || out.Accepted != 100 {
		t.Fatalf("%d accepted %d", resp.StatusCode, out.Accepted)
	}
	if n := len(f.enqueued()); n != 100 || f.sqs.Calls("SendMessageBatch") != 10 {
		t.Errorf("%d enqueued in %d calls", n, f.sqs.Calls("SendMessageBatch"))
	}
}

// TestUnsentEventsAreRetry: entries SQS fails after the retries are "retry" in a 503 with
// Retry-After; those it failed once are retried and accepted.
func TestUnsentEventsAreRetry(t *testing.T) {
	f := newFixture(t, options{ttl: 30 * time.Second})
	secret := f.token(alice)
	failures := map[string]int{}
	f.sqs.EntryFault = func(op, id, body string) *types.BatchResultErrorEntry {
		switch {
		case strings.Contains(body, `"job-always"`):
			return &types.BatchResultErrorEntry{Code: aws.String("InternalError"), Message: aws.String("injected"), SenderFault: false}
		case strings.Contains(body, `"job-once"`) && failures[body] == 0:
			failures[body]++
			return &types.BatchResultErrorEntry{Code: aws.String("InternalError"), Message: aws.String("injected"), SenderFault: false}
		}
		return nil
	}
	resp := f.do(post(auth(secret), batch(event("job-ok"), event("job-always"), event("job-once"), event("job bad"))))
	out := f.results(resp)
	statuses := []string{}
	for _, r := range out.Results {
		statuses = append(statuses, r.Status)
	}
	if resp.StatusCode != 503 || resp.Headers["Retry-After"] != "2" || strings.Join(statuses, ",") != "accepted,retry,accepted,refused" ||
		out.Accepted != 2 || out.Refused != 1 {
		t.Fatalf("%d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	var ids []string
	for _, ev := range f.enqueued() {
		ids = append(ids, ev.RequestID)
	}
	if strings.Join(ids, ",") != "job-ok,job-once" {
		t.Errorf("enqueued %v", ids)
	}

	// The queue down for the whole request: every valid event is "retry", none accepted.
	f.sqs.EntryFault = nil
	f.sqs.Fault = func(op string, in any) error {
		return sqsfake.APIError("ServiceUnavailable", "injected", smithy.FaultServer)
	}
	resp = f.do(post(auth(secret), batch(event("job-7"), event("job-8"))))
	if out := f.results(resp); resp.StatusCode != 503 || out.Accepted != 0 || out.Results[0].Status != "retry" || out.Results[1].Status != "retry" {
		t.Errorf("queue down: %d %s", resp.StatusCode, resp.Body)
	}
	if !strings.Contains(f.logs.String(), `"level":"WARN","msg":"events left to retry"`) {
		t.Errorf("no WARN line for the unsent events: %s", f.logs.String())
	}
}
