package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func page(t *testing.T, resp events.APIGatewayV2HTTPResponse) ([]string, string) {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	var body statusapi.JobList
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatal(err)
	}
	if body.Items == nil || !strings.Contains(resp.Body, `"items":[`) {
		t.Errorf("items is not a list: %s", resp.Body)
	}
	var ids []string
	for _, it := range body.Items {
		ids = append(ids, it.RequestID)
	}
	return ids, body.NextCursor
}

// TestPagination walks alice's jobs two at a time, newest start first, never seeing bob's, and
// checks that changed and foreign cursors are refused.
func TestPagination(t *testing.T) {
	f := newFixture(t)
	for i := 1; i <= 5; i++ {
		f.seed(item(fmt.Sprintf("job-a%d", i), alice, job.Success, i, i))
	}
	f.seed(item("job-b1", bob, job.Success, 10, 10), item("job-b2", bob, job.Started, 0, 0))

	var all []string
	var cursors []string
	cursor := ""
	for range 10 {
		q := "limit=2"
		if cursor != "" {
			q += "&cursor=" + url.QueryEscape(cursor)
		}
		ids, next := page(t, f.do(listReq(t, q, alice)))
		all = append(all, ids...)
		if next == "" {
			break
		}
		cursors = append(cursors, next)
		cursor = next
	}
	if want := []string{"job-a5", "job-a4", "job-a3", "job-a2", "job-a1"}; !slices.Equal(all, want) {
		t.Fatalf("pages gave %v, want %v", all, want)
	}
	if len(cursors) != 2 {
		t.Fatalf("%d cursors, want 2", len(cursors))
	}

	c := cursors[0]
	body, sig, _ := strings.Cut(c, ".")
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	bad := map[string]string{
		"payload changed":    flip(body, len(body)/2) + "." + sig,
		"signature changed":  body + "." + flip(sig, 3),
		"truncated":          c[:len(c)-4],
		"no signature":       body,
		"other cursor's mac": body + "." + strings.SplitN(cursors[1], ".", 2)[1],
		"garbage":            "not-a-cursor",
		"too long":           strings.Repeat("A", 2000) + "." + sig,
		"extra dot":          c + ".x",
	}
	for name, cur := range bad {
		t.Run(name, func(t *testing.T) {
			resp := f.do(listReq(t, "cursor="+url.QueryEscape(cur), alice))
			if resp.StatusCode != 400 || errorCode(t, resp) != CodeInvalidCursor {
				t.Errorf("%d %s", resp.StatusCode, resp.Body)
			}
		})
	}
	t.Run("another user's cursor", func(t *testing.T) {
		resp := f.do(listReq(t, "cursor="+url.QueryEscape(c), bob))
		if resp.StatusCode != 400 || errorCode(t, resp) != CodeInvalidCursor {
			t.Errorf("bob used alice's cursor: %d %s", resp.StatusCode, resp.Body)
		}
	})
	t.Run("the sample's query, with a real cursor", func(t *testing.T) {
		req := loadRequest(t, "list-status-next-page.json")
		req.RequestContext.Authorizer.JWT.Claims["sub"] = alice
		v, err := url.ParseQuery(req.RawQueryString)
		if err != nil || v.Get("cursor") == "" || v.Get("status") != "success" {
			t.Fatalf("sample query %q: %v", req.RawQueryString, err)
		}
		v.Set("cursor", c)
		req.RawQueryString = v.Encode()
		ids, _ := page(t, f.do(req))
		if !slices.Equal(ids, []string{"job-a3", "job-a2"}) {
			t.Errorf("page 2 of the sample: %v", ids)
		}
	})
}

// TestListOrderIsTheStart: the list is sorted by start, not by the last update, so a job that
// reports progress keeps its place.
func TestListOrderIsTheStart(t *testing.T) {
	f := newFixture(t)
	f.seed(item("old-but-busy", alice, job.InProgress, 1, 9), item("new-and-quiet", alice, job.Started, 5, 5),
		item("middle", alice, job.Success, 3, 4))
	if ids, _ := page(t, f.do(listReq(t, "", alice))); !slices.Equal(ids, []string{"new-and-quiet", "middle", "old-but-busy"}) {
		t.Errorf("order %v, want newest start first", ids)
	}
}

// TestListReadsTheLocalIndexConsistently: the list is one strongly consistent Query of the local
// index by_started, so a job written just before the call is listed.
func TestListReadsTheLocalIndexConsistently(t *testing.T) {
	f := newFixture(t)
	var seen []*dynamodb.QueryInput
	f.ddb.SetFault(func(_ context.Context, op string, in any) error {
		if q, ok := in.(*dynamodb.QueryInput); ok {
			seen = append(seen, q)
		}
		return nil // observe only
	})
	for i := range 3 {
		id := fmt.Sprintf("job-%d", i)
		f.seed(item(id, alice, job.Started, i, i))
		ids, _ := page(t, f.do(listReq(t, "", alice)))
		if len(ids) != i+1 || ids[0] != id {
			t.Fatalf("after writing %s the list is %v", id, ids)
		}
	}
	if len(seen) != 3 {
		t.Fatalf("%d queries, want 3", len(seen))
	}
	for _, q := range seen {
		if aws.ToString(q.IndexName) != tables.IndexByStarted || !aws.ToBool(q.ConsistentRead) || aws.ToBool(q.ScanIndexForward) {
			t.Errorf("query index %q consistent %v forward %v; want %s, consistent, descending",
				aws.ToString(q.IndexName), aws.ToBool(q.ConsistentRead), aws.ToBool(q.ScanIndexForward), tables.IndexByStarted)
		}
	}
}

func TestStatusFilter(t *testing.T) {
	f := newFixture(t)
	f.seed(item("job-1", alice, job.Success, 1, 1), item("job-2", alice, job.Failed, 2, 2),
		item("job-3", alice, job.InProgress, 3, 3), item("job-4", alice, job.Success, 4, 4),
		item("job-5", bob, job.Success, 5, 5))
	for q, want := range map[string][]string{
		"status=SUCCESS":       {"job-4", "job-1"},
		"status=success":       {"job-4", "job-1"},
		"status=Success":       {"job-4", "job-1"},
		"status=in_progress":   {"job-3"},
		"status=in%20progress": {"job-3"}, // a legacy spelling, as job.ParseStatus accepts
		"status=FAILED":        {"job-2"},
		"status=fail":          {"job-2"},
		"status=STARTED":       nil,
		"":                     {"job-4", "job-3", "job-2", "job-1"},
		"status=":              {"job-4", "job-3", "job-2", "job-1"},
	} {
		t.Run(q, func(t *testing.T) {
			ids, next := page(t, f.do(listReq(t, q, alice)))
			if !slices.Equal(ids, want) || next != "" {
				t.Errorf("%v next %q, want %v", ids, next, want)
			}
		})
	}
}

// TestListQueryParameters: the query string through the whole handler, as API Gateway gives it
// (rawQueryString) and as other integrations may (queryStringParameters only).
func TestListQueryParameters(t *testing.T) {
	f := newFixture(t)
	for i := range 25 {
		f.seed(item(fmt.Sprintf("job-%02d", i), alice, job.Success, i, i))
	}
	cases := []struct {
		query string
		n     int
		code  string
	}{
		{"", DefaultLimit, ""},
		{"limit=1", 1, ""},
		{"limit=100", 25, ""},
		{"limit=25&utm_source=mail", 25, ""},
		{"limit=0", 0, CodeInvalidLimit},
		{"limit=101", 0, CodeInvalidLimit},
		{"limit=-1", 0, CodeInvalidLimit},
		{"limit=%2B5", 0, CodeInvalidLimit},
		{"limit=1.5", 0, CodeInvalidLimit},
		{"limit=ten", 0, CodeInvalidLimit},
		{"limit=1000000000000000000000", 0, CodeInvalidLimit},
		{"limit=2&limit=3", 0, CodeInvalidLimit},
		{"status=RUNNING", 0, CodeInvalidStatus},
		{"status=%C5%BFuccess", 0, CodeInvalidStatus}, // "ſuccess" upper-cases to SUCCESS in Unicode
		{"status=success&status=failed", 0, CodeInvalidStatus},
		{"cursor=abc", 0, CodeInvalidCursor},
		{"limit=%zz", 0, CodeInvalidQuery},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			resp := f.do(listReq(t, tc.query, alice))
			if tc.code != "" {
				if resp.StatusCode != 400 || errorCode(t, resp) != tc.code {
					t.Errorf("%d %s, want 400 %s", resp.StatusCode, resp.Body, tc.code)
				}
				if tc.code == CodeInvalidStatus && !strings.Contains(tc.query, "&") && !strings.Contains(resp.Body, job.MustBeOneOf) {
					t.Errorf("body %s lacks %q", resp.Body, job.MustBeOneOf)
				}
				return
			}
			if ids, _ := page(t, resp); len(ids) != tc.n {
				t.Errorf("%d items, want %d", len(ids), tc.n)
			}
		})
	}
	t.Run("queryStringParameters only", func(t *testing.T) {
		req := listReq(t, "", alice)
		req.QueryStringParameters = map[string]string{"limit": "3"}
		if ids, _ := page(t, f.do(req)); len(ids) != 3 {
			t.Errorf("%d items, want 3", len(ids))
		}
	})
}

// TestCursorExpiresThroughTheAPI: a cursor is good for a day after its page was read, then a 400
// invalid_cursor that says so and costs no DynamoDB call.
func TestCursorExpiresThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		f.seed(item(fmt.Sprintf("job-%d", i), alice, job.Success, i, i))
	}
	_, cursor := page(t, f.do(listReq(t, "limit=1", alice)))
	issued := f.now
	cases := []struct {
		name   string
		at     time.Time
		status int
	}{
		{"an hour later", issued.Add(time.Hour), 200},
		{"a day later", issued.Add(ddb.DefaultCursorMaxAge), 200},
		{"a day and a minute later", issued.Add(ddb.DefaultCursorMaxAge + time.Minute), 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f.now = tc.at
			before := f.ddb.Calls()
			resp := f.do(listReq(t, "limit=1&cursor="+url.QueryEscape(cursor), alice))
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, resp.Body, tc.status)
			}
			if tc.status == 400 {
				if errorCode(t, resp) != CodeInvalidCursor || !strings.Contains(resp.Body, "expired") || f.ddb.Calls() != before {
					t.Errorf("%s (%d calls)", resp.Body, f.ddb.Calls()-before)
				}
			}
		})
	}
}

// TestCursorKeyRotationThroughTheAPI: after CURSOR_SECRET is rotated (the old key now in
// CURSOR_SECRET_PREVIOUS), a page read before the rotation still has a next page; without the
// previous key, its cursor is refused.
func TestCursorKeyRotationThroughTheAPI(t *testing.T) {
	f := newFixture(t)
	for i := range 3 {
		f.seed(item(fmt.Sprintf("job-%d", i), alice, job.Success, i, i))
	}
	_, cursor := page(t, f.do(listReq(t, "limit=1", alice)))
	newKey := strings.Repeat("n", 40)
	cases := []struct {
		name     string
		previous string
		status   int
	}{
		{"old key kept as previous", testSecret, 200},
		{"old key dropped", "", 400},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := readConfig(envOf(map[string]string{
				"CURSOR_SECRET": newKey, "CURSOR_SECRET_PREVIOUS": tc.previous,
			}), ddb.WithClock(f.clock))
			if err != nil {
				t.Fatal(err)
			}
			rotated := *f.h
			rotated.Jobs = ddb.NewTable(f.ddb, f.jobs.Name(), tables.StatusSchema, ddb.WithCursorCodec(cfg.cursors))
			resp := serve(t, &rotated, listReq(t, "limit=1&cursor="+url.QueryEscape(cursor), alice))
			if resp.StatusCode != tc.status {
				t.Fatalf("%d %s, want %d", resp.StatusCode, resp.Body, tc.status)
			}
			if tc.status == 200 {
				ids, next := page(t, resp)
				if !slices.Equal(ids, []string{"job-1"}) || next == "" {
					t.Fatalf("page %v next %q", ids, next)
				}
				// The next cursor is signed with the new key: the new key alone accepts it.
				alone, _ := readConfig(envOf(map[string]string{"CURSOR_SECRET": newKey}), ddb.WithClock(f.clock))
				rotated.Jobs = ddb.NewTable(f.ddb, f.jobs.Name(), tables.StatusSchema, ddb.WithCursorCodec(alone.cursors))
				if ids, _ := page(t, serve(t, &rotated, listReq(t, "limit=1&cursor="+url.QueryEscape(next), alice))); !slices.Equal(ids, []string{"job-0"}) {
					t.Errorf("page 3 with the new key alone: %v", ids)
				}
			}
		})
	}
}
