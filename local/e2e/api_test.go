package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

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

// fetch is get for goroutines other than the test's: it returns the error.
func fetch(endpoint, path, token string, headers map[string]string) (answer, error) {
	req, err := http.NewRequest(http.MethodGet, endpoint+path, nil)
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
		return answer{}, fmt.Errorf("GET %s: %w", path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("GET %s: %w", path, err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, body: string(b)}, nil
}

// testAPI checks the API's answers for ada, who owns the jobs of run, and bob, who owns none.
func testAPI(t *testing.T, endpoint string, ada, bob user, run string, want map[string]tables.StatusItem) {
	id := requestID(run, jobs[0].name)
	first := get(t, endpoint, "/status/"+id, ada.Token, nil)
	etag := first.header.Get("ETag")
	if first.status != http.StatusOK || etag == "" {
		t.Fatalf("GET /status/%s: %d, ETag %q: %s", id, first.status, etag, first.body)
	}
	forged := ada.Token[:len(ada.Token)-4] + "AAAA" // the signature no longer matches
	cases := []struct {
		name    string
		path    string
		token   string
		headers map[string]string
		status  int
		body    string // the exact body, or "" to skip
		code    string // the error code of the body, for error answers
	}{
		{name: "the record", path: "/status/" + id, token: ada.Token, status: 200, body: jsonOf(t, want[id])},
		{name: "unchanged since the ETag", path: "/status/" + id, token: ada.Token,
			headers: map[string]string{"If-None-Match": etag}, status: 304, body: ""},
		{name: "changed since an older ETag", path: "/status/" + id, token: ada.Token,
			headers: map[string]string{"If-None-Match": `"older"`}, status: 200, body: jsonOf(t, want[id])},
		{name: "every job of the user", path: "/status?limit=100", token: ada.Token, status: 200},
		{name: "invalid request id", path: "/status/bad*id", token: ada.Token, status: 400, code: "invalid_request_id"},
		{name: "invalid limit", path: "/status?limit=0", token: ada.Token, status: 400, code: "invalid_limit"},
		{name: "no token", path: "/status/" + id, status: 401},
		{name: "forged token", path: "/status/" + id, token: forged, status: 401},
		{name: "unknown job", path: "/status/" + run + "-nope", token: ada.Token, status: 404, code: "not_found"},
		{name: "another user's job", path: "/status/" + id, token: bob.Token, status: 404, code: "not_found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := get(t, endpoint, tc.path, tc.token, tc.headers)
			if got.status != tc.status {
				t.Fatalf("GET %s: %d %s; want %d", tc.path, got.status, got.body, tc.status)
			}
			if tc.body != "" || tc.status == http.StatusNotModified {
				if got.body != tc.body {
					t.Errorf("GET %s: body %s; want %s", tc.path, got.body, tc.body)
				}
			}
			if tc.code != "" {
				var e struct{ Error struct{ Code string } }
				if err := json.Unmarshal([]byte(got.body), &e); err != nil || e.Error.Code != tc.code {
					t.Errorf("GET %s: body %s; want error code %s", tc.path, got.body, tc.code)
				}
			}
			if got.status == http.StatusOK && got.header.Get("ETag") == "" && strings.HasPrefix(tc.path, "/status/") {
				t.Errorf("GET %s: no ETag", tc.path)
			}
		})
	}
	t.Run("the list holds every job, as recorded", func(t *testing.T) {
		got := get(t, endpoint, "/status?limit=100", ada.Token, nil)
		var list struct{ Items []tables.StatusItem }
		if err := json.Unmarshal([]byte(got.body), &list); err != nil {
			t.Fatalf("%d %s: %v", got.status, got.body, err)
		}
		seen := map[string]bool{}
		for _, it := range list.Items {
			seen[it.RequestID] = true
			if jsonOf(t, it) != jsonOf(t, want[it.RequestID]) {
				t.Errorf("listed %s; want %s", jsonOf(t, it), jsonOf(t, want[it.RequestID]))
			}
		}
		if len(seen) != len(want) || len(list.Items) != len(want) {
			t.Errorf("listed %d jobs %v; want the %d of the run", len(list.Items), seen, len(want))
		}
		empty := get(t, endpoint, "/status", bob.Token, nil)
		if empty.status != http.StatusOK || !strings.Contains(empty.body, `"items":[]`) {
			t.Errorf("bob's list: %d %s; want 200 with no items", empty.status, empty.body)
		}
	})
}
