package stack

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestPageBesideAPI checks the origin's split: the API's paths reach the API, every other path
// the page, whose config.json names this stack's pool and cognito-local.
func TestPageBesideAPI(t *testing.T) {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = io.WriteString(w, "api") })
	site, err := withPage(api, State{Region: "us-east-1", UserPoolID: "local_pool", ClientID: "client", CognitoEndpoint: "http://127.0.0.1:9229"})
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
		{"/config.json", `{"region":"us-east-1","userPoolId":"local_pool","userPoolClientId":"client","cognitoEndpoint":"http://127.0.0.1:9229/","passwordMinLength":12,"urlTuning":true}`},
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
