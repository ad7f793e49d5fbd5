package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func page(t *testing.T, resp events.APIGatewayV2HTTPResponse) ([]string, string) {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	var body listBody
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatal(err)
	}
	if body.Items == nil || !strings.Contains(resp.Body, `"items":[`) {
		t.Errorf("items is not a list: %s", resp.Body)
	}
	var ids []string
	for _, it := range body.Items {
		ids = append(ids, it.RequestID)
	}
	if strings.Contains(resp.Body, "user_id") || strings.Contains(resp.Body, "last_event") || strings.Contains(resp.Body, "expires_at") {
		t.Errorf("internal attributes in %s", resp.Body)
	}
	return ids, body.NextCursor
}

// TestPagination walks alice's jobs two at a time, newest first, never seeing bob's, and checks
// that changed and foreign cursors are refused.
func TestPagination(t *testing.T) {
	f := newFixture(t)
	for i := 1; i <= 5; i++ {
		f.seed(job(fmt.Sprintf("job-a%d", i), alice, tables.StatusSuccess, i))
	}
	f.seed(job("job-b1", bob, tables.StatusSuccess, 10), job("job-b2", bob, tables.StatusStarted, 0))

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
	t.Run("the sample's cursor, replaced by a real one", func(t *testing.T) {
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

func TestStatusFilter(t *testing.T) {
	f := newFixture(t)
	f.seed(job("job-1", alice, tables.StatusSuccess, 1), job("job-2", alice, tables.StatusFailed, 2),
		job("job-3", alice, tables.StatusInProgress, 3), job("job-4", alice, tables.StatusSuccess, 4),
		job("job-5", bob, tables.StatusSuccess, 5))
	for q, want := range map[string][]string{
		"status=SUCCESS":     {"job-4", "job-1"},
		"status=success":     {"job-4", "job-1"},
		"status=Success":     {"job-4", "job-1"},
		"status=in_progress": {"job-3"},
		"status=FAILED":      {"job-2"},
		"status=STARTED":     nil,
		"":                   {"job-4", "job-3", "job-2", "job-1"},
		"status=":            {"job-4", "job-3", "job-2", "job-1"},
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
		f.seed(job(fmt.Sprintf("job-%02d", i), alice, tables.StatusSuccess, i))
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
