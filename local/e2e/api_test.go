package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// answer is one HTTP answer of the API.
type answer struct {
	status int
	header http.Header
	body   string
}

var apiClient = &http.Client{Timeout: 15 * time.Second}

// get sends GET endpoint+path with the bearer token (none if "") and the non-empty headers.
func get(t testing.TB, endpoint, path, token string, headers map[string]string) answer {
	t.Helper()
	a, err := fetch(endpoint, path, token, headers)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// send sends method endpoint+path with a JSON body and the bearer token.
func send(t testing.TB, endpoint, method, path, token, body string) answer {
	t.Helper()
	a, err := do(method, endpoint, path, token, body, map[string]string{"Content-Type": "application/json"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// fetch is get for goroutines other than the test's: it returns the error.
func fetch(endpoint, path, token string, headers map[string]string) (answer, error) {
	return do(http.MethodGet, endpoint, path, token, "", headers)
}

func do(method, endpoint, path, token, body string, headers map[string]string) (answer, error) {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, endpoint+path, r)
	if err != nil {
		return answer{}, err
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := apiClient.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

// apiJob decodes the API's body of one job.
func apiJob(t testing.TB, body string) statusapi.Job {
	t.Helper()
	var j statusapi.Job
	if err := json.Unmarshal([]byte(body), &j); err != nil {
		t.Fatalf("not a job: %v: %s", err, body)
	}
	return j
}

// differs says how the API's job differs from the stored record, in what the API promises to show;
// "" when it shows the record.
func differs(got statusapi.Job, want tables.StatusItem) string {
	var out []string
	field := func(name, g, w string) {
		if g != w {
			out = append(out, fmt.Sprintf("%s %q, want %q", name, g, w))
		}
	}
	num := func(p *float64) string {
		if p == nil {
			return "none"
		}
		return fmt.Sprint(*p)
	}
	field("request_id", got.RequestID, want.RequestID)
	field("status", string(got.Status), string(want.Status))
	field("timestamp", got.Timestamp, want.Timestamp)
	field("updated_at", got.UpdatedAt, want.UpdatedAt)
	field("progress", num(got.Progress), num(want.Progress))
	field("message", got.Message, want.Message)
	field("error", got.Error, want.Error)
	field("started_at", got.StartedAt, want.StartedAt)
	field("in_progress_at", got.InProgressAt, want.InProgressAt)
	field("finished_at", got.FinishedAt, want.FinishedAt)
	if want.Status.Final() && (got.ETA != "" || got.Stalled) {
		out = append(out, fmt.Sprintf("a final job with eta %q, stalled %t", got.ETA, got.Stalled))
	}
	if got.StallWindowSeconds != int64(job.DefaultStallWindow/time.Second) {
		out = append(out, fmt.Sprintf("stall window %d s", got.StallWindowSeconds))
	}
	return strings.Join(out, "; ")
}

// testAPI checks the API's answers for ada and bob, who both have a job named same-name, and the
// list of each.
func testAPI(t *testing.T, endpoint string, ada, bob user, run string, want map[jobKey]tables.StatusItem) {
	id := requestID(run, "full-run")
	shared := requestID(run, "same-name")
	first := get(t, endpoint, "/status/"+id, ada.Token, nil)
	etag := first.header.Get("ETag")
	if first.status != http.StatusOK || etag == "" {
		t.Fatalf("GET /status/%s: %d, ETag %q: %s", id, first.status, etag, first.body)
	}
	notFound := get(t, endpoint, "/status/"+run+"-nope", ada.Token, nil)
	forged := ada.Token[:len(ada.Token)-4] + "AAAA" // the signature no longer matches
	cases := []struct {
		name    string
		path    string
		token   string
		headers map[string]string
		status  int
		job     *tables.StatusItem // the record the body shows, for a job
		body    string             // the exact body, or "" to skip
		code    string             // the error code of the body, for error answers
	}{
		{name: "the record", path: "/status/" + id, token: ada.Token, status: 200, job: ptr(want[jobKey{ada.Sub, id}])},
		{name: "unchanged since the ETag", path: "/status/" + id, token: ada.Token,
			headers: map[string]string{"If-None-Match": etag}, status: 304, body: ""},
		{name: "changed since an older ETag", path: "/status/" + id, token: ada.Token,
			headers: map[string]string{"If-None-Match": `"older"`}, status: 200, job: ptr(want[jobKey{ada.Sub, id}])},
		{name: "ada's job of the shared name", path: "/status/" + shared, token: ada.Token, status: 200, job: ptr(want[jobKey{ada.Sub, shared}])},
		{name: "bob's job of the shared name", path: "/status/" + shared, token: bob.Token, status: 200, job: ptr(want[jobKey{bob.Sub, shared}])},
		{name: "invalid request id", path: "/status/bad*id", token: ada.Token, status: 400, code: "invalid_request_id"},
		{name: "invalid limit", path: "/status?limit=0", token: ada.Token, status: 400, code: "invalid_limit"},
		{name: "no token", path: "/status/" + id, status: 401},
		{name: "forged token", path: "/status/" + id, token: forged, status: 401},
		{name: "unknown job", path: "/status/" + run + "-nope", token: ada.Token, status: 404, code: "not_found"},
		{name: "another user's job: the same answer", path: "/status/" + id, token: bob.Token, status: 404, body: notFound.body},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := get(t, endpoint, tc.path, tc.token, tc.headers)
			if got.status != tc.status {
				t.Fatalf("GET %s: %d %s; want %d", tc.path, got.status, got.body, tc.status)
			}
			if tc.job != nil {
				if d := differs(apiJob(t, got.body), *tc.job); d != "" {
					t.Errorf("GET %s: %s", tc.path, d)
				}
			}
			if tc.body != "" || tc.status == http.StatusNotModified {
				if got.body != tc.body {
					t.Errorf("GET %s: body %s; want %s", tc.path, got.body, tc.body)
				}
			}
			if tc.code != "" {
				var e statusapi.ErrorBody
				if err := json.Unmarshal([]byte(got.body), &e); err != nil || e.Error.Code != tc.code {
					t.Errorf("GET %s: body %s; want error code %s", tc.path, got.body, tc.code)
				}
			}
			if got.status == http.StatusOK && got.header.Get("ETag") == "" && strings.HasPrefix(tc.path, "/status/") {
				t.Errorf("GET %s: no ETag", tc.path)
			}
		})
	}
	for _, u := range []user{ada, bob} {
		t.Run("the list holds every job of "+u.Email+", newest start first", func(t *testing.T) {
			got := get(t, endpoint, "/status?limit=100", u.Token, nil)
			var list statusapi.JobList
			if err := json.Unmarshal([]byte(got.body), &list); err != nil {
				t.Fatalf("%d %s: %v", got.status, got.body, err)
			}
			mine := 0
			for k := range want {
				if k.user == u.Sub {
					mine++
				}
			}
			for i, it := range list.Items {
				w, ok := want[jobKey{u.Sub, it.RequestID}]
				if !ok {
					t.Errorf("listed %s, not a job of %s", it.RequestID, u.Email)
					continue
				}
				if d := differs(it, w); d != "" {
					t.Errorf("listed %s: %s", it.RequestID, d)
				}
				if i > 0 && list.Items[i-1].Timestamp < it.Timestamp {
					t.Errorf("%s (started %s) listed after %s (started %s)", it.RequestID, it.Timestamp, list.Items[i-1].RequestID, list.Items[i-1].Timestamp)
				}
			}
			if len(list.Items) != mine {
				t.Errorf("listed %d jobs; want the %d of %s", len(list.Items), mine, u.Email)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
