package stack

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// TestPageBesideAPI checks the origin's split: the API's paths reach the API, every other path
// the page, whose config.json names this stack's pool and cognito-local.
func TestPageBesideAPI(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "api") })
	fns := Functions(Config{}, State{})
	site, err := withPage(api, State{Region: "us-east-1", UserPoolID: "local_pool", ClientID: "client", CognitoEndpoint: "http://127.0.0.1:9229"}, fns)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		path, want string
	}{
		{"/status", "api"},
		{"/status/job-1", "api"},
		{"/me/preferences", "api"},
		{"/me", "api"},
		{"/", "<!doctype html>"},
		{"/jobs/job-1", "<!doctype html>"},
		{"/app.js", "// The entry module"},
		{"/config.json", `{"region":"us-east-1","userPoolId":"local_pool","userPoolClientId":"client","cognitoEndpoint":"http://127.0.0.1:9229/","passwordMinLength":12,"urlTuning":true,"tokenCacheTtlSeconds":30}`},
		{"/statusx", "404 page not found"},
		{"/meta", "404 page not found"},
	}
	for _, tc := range cases {
		rec := httptest.NewRecorder()
		site.ServeHTTP(rec, httptest.NewRequest("GET", tc.path, nil))
		if !strings.HasPrefix(rec.Body.String(), tc.want) {
			t.Errorf("GET %s: %.80q, want it to start with %q", tc.path, rec.Body.String(), tc.want)
		}
	}
}

// TestPageTokenCacheTTL: the page's config.json gives the ingest function's TOKEN_CACHE_TTL as it
// runs in the stack (its default, or a test's FunctionEnv), in whole seconds rounded up; a value
// the function would refuse stops the stack.
func TestPageTokenCacheTTL(t *testing.T) {
	cases := []struct {
		env     string // "" keeps pkg/deploy's default
		want    int
		wantErr bool
	}{
		{"", 30, false},
		{"1s", 1, false},
		{"1500ms", 2, false},
		{"0s", 0, false},
		{"2m", 120, false},
		{"soon", 0, true},
		{"-1s", 0, true},
	}
	for _, tc := range cases {
		cfg := Config{}
		if tc.env != "" {
			cfg.FunctionEnv = map[string]map[string]string{deploy.Ingest: {deploy.TokenCacheTTLVar.Name: tc.env}}
		}
		ttl, err := tokenCacheTTL(Functions(cfg, State{}))
		if (err != nil) != tc.wantErr {
			t.Errorf("%q: error %v, want one: %v", tc.env, err, tc.wantErr)
			continue
		}
		if got := PageConfig(State{}, ttl).TokenCacheTTLSeconds; !tc.wantErr && got != tc.want {
			t.Errorf("%q: tokenCacheTtlSeconds %d, want %d", tc.env, got, tc.want)
		}
	}
}
