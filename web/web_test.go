package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

func TestHandler(t *testing.T) {
	cfg := Config{Region: "us-east-1", UserPoolID: "local_pool", UserPoolClientID: "client", CognitoEndpoint: "http://127.0.0.1:9229/"}
	h, err := Handler(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		method, path string
		status       int
		contentType  string
		bodyHas      string
	}{
		{"GET", "/", 200, "text/html; charset=utf-8", `<script type="module" src="/app.js">`},
		{"GET", "/jobs/resnet50-lr0.1", 200, "text/html; charset=utf-8", `<main id="main"`},
		{"GET", "/report", 200, "text/html; charset=utf-8", `<main id="main"`},
		{"GET", "/alerts", 200, "text/html; charset=utf-8", `<main id="main"`},
		{"GET", "/jobs/a%2Fb", 200, "text/html; charset=utf-8", `<main id="main"`},
		{"GET", "/app.js", 200, "text/javascript; charset=utf-8", "import"},
		{"GET", "/style.css", 200, "text/css; charset=utf-8", "prefers-color-scheme"},
		{"GET", "/favicon.svg", 200, "image/svg+xml", "<svg"},
		{"GET", "/config.json", 200, "application/json", `"cognitoEndpoint":"http://127.0.0.1:9229/"`},
		{"HEAD", "/config.json", 200, "application/json", ""},
		{"GET", "/jobs/", 404, "text/plain; charset=utf-8", "not found"},
		{"GET", "/jobs/a/b", 404, "text/plain; charset=utf-8", "not found"},
		{"GET", "/nope.js", 404, "text/plain; charset=utf-8", "not found"},
		{"GET", "/static/app.js", 404, "text/plain; charset=utf-8", "not found"},
		{"POST", "/", 405, "text/plain; charset=utf-8", "method not allowed"},
	}
	for _, tc := range cases {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.path, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d", rec.Code, tc.status)
			}
			hd := rec.Header()
			if got := hd.Get("Content-Type"); got != tc.contentType {
				t.Errorf("Content-Type %q, want %q", got, tc.contentType)
			}
			if !strings.Contains(rec.Body.String(), tc.bodyHas) {
				t.Errorf("body lacks %q:\n%.300s", tc.bodyHas, rec.Body.String())
			}
			if tc.method == "HEAD" && rec.Body.Len() != 0 {
				t.Errorf("HEAD answered with a body")
			}
			want := map[string]string{
				"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self' http://127.0.0.1:9229; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
				"X-Content-Type-Options":  "nosniff",
				"X-Frame-Options":         "DENY",
			}
			if tc.status == 200 {
				want["Cache-Control"] = "no-cache"
			}
			for k, v := range want {
				if got := hd.Get(k); got != v {
					t.Errorf("%s %q, want %q", k, got, v)
				}
			}
		})
	}

	var got Config
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/config.json", nil))
	if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || got != cfg {
		t.Errorf("config.json %s (%v), want %+v", rec.Body.String(), err, cfg)
	}
}

// TestRevalidation checks an unchanged asset costs a 304: the names carry no content hash, so
// browsers revalidate every time (no-cache) and must be able to do so cheaply.
func TestRevalidation(t *testing.T) {
	h, err := Handler(Config{CognitoEndpoint: "https://cognito-idp.us-east-1.amazonaws.com/"})
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/", "/app.js", "/config.json"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		etag := rec.Header().Get("ETag")
		req := httptest.NewRequest("GET", path, nil)
		req.Header.Set("If-None-Match", etag)
		rec = httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if etag == "" || rec.Code != http.StatusNotModified || rec.Body.Len() != 0 {
			t.Errorf("%s: ETag %q, revalidation %d with %d bytes, want 304 and none", path, etag, rec.Code, rec.Body.Len())
		}
	}
}

// TestWeight keeps the page's first load within its budget: every file it fetches, uncompressed.
func TestWeight(t *testing.T) {
	files, err := Assets()
	if err != nil {
		t.Fatal(err)
	}
	total, later := 0, 0
	for name, b := range files {
		if slices.Contains(OnDemand, name) {
			later += len(b)
		} else {
			total += len(b)
		}
		if strings.Contains(string(b), "http://") || strings.Contains(string(b), "https://") {
			if name != "favicon.svg" { // the SVG namespace is a name, not a request
				t.Errorf("%s names an absolute URL: the page makes no third-party request", name)
			}
		}
	}
	if total > Budget {
		t.Errorf("the first load's files weigh %d bytes, budget %d", total, Budget)
	}
	if later > OnDemandBudget {
		t.Errorf("the on-demand modules weigh %d bytes, budget %d", later, OnDemandBudget)
	}
	// An on-demand module is imported by app.js's onDemand only: no module imports it statically.
	for _, m := range OnDemand {
		if _, ok := files[m]; !ok {
			t.Errorf("on-demand module %s is not among the files", m)
		}
		if !strings.Contains(string(files["app.js"]), "onDemand('./"+m+"'") {
			t.Errorf("app.js does not load %s on demand", m)
		}
		for name, b := range files {
			if strings.Contains(string(b), "from './"+m+"'") {
				t.Errorf("%s imports %s statically: it would be part of the first load", name, m)
			}
		}
	}
}

func TestContentSecurityPolicyRefusesRelativeEndpoint(t *testing.T) {
	for _, endpoint := range []string{"", "/cognito", "cognito-idp.us-east-1.amazonaws.com"} {
		if _, err := Handler(Config{CognitoEndpoint: endpoint}); err == nil {
			t.Errorf("endpoint %q accepted", endpoint)
		}
	}
}
