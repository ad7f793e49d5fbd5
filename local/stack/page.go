package stack

import (
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/web"
)

// withPage puts the tracker page (package web) at the root of the HTTP API's origin, as the
// CloudFront distribution does in AWS: the API's paths (/status…, /me/…, /v1/…) go to the API, every
// other path to the page, whose /config.json names this stack's user pool and cognito-local.
//
// The page calls cognito-local directly, on its own port: cognito-local answers CORS preflights
// from any origin (cors({origin: "*"}) in its server), as Cognito does, so no same-origin proxy
// is needed and the page talks to Cognito exactly as it does in AWS.
func withPage(api http.Handler, s State, fns []invoke.Function) (http.Handler, error) {
	ttl, err := tokenCacheTTL(fns)
	if err != nil {
		return nil, err
	}
	page, err := web.Handler(PageConfig(s, ttl))
	if err != nil {
		return nil, err
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if isAPIPath(r.URL.Path) {
			api.ServeHTTP(w, r)
			return
		}
		page.ServeHTTP(w, r)
	}), nil
}

// PageConfig is the page's /config.json for a stack: its pool and cognito-local, the pool's
// password length, the tests' URL tuning (never set in AWS), where cognito-local keeps the
// sign-up codes it would have emailed, and the ingest function's token cache lifetime ttl.
func PageConfig(s State, ttl time.Duration) web.Config {
	return web.Config{Region: s.Region, UserPoolID: s.UserPoolID, UserPoolClientID: s.ClientID,
		CognitoEndpoint:   strings.TrimSuffix(s.CognitoEndpoint, "/") + "/",
		PasswordMinLength: deploy.PasswordMinLength, URLTuning: true, SignUpCodeHint: SignUpCodeHint(s),
		TokenCacheTTLSeconds: web.TTLSeconds(ttl)}
}

// tokenCacheTTL is the ingest function's TOKEN_CACHE_TTL among the stack's functions (its
// default, or a test's FunctionEnv), so that the page promises what the function does.
func tokenCacheTTL(fns []invoke.Function) (time.Duration, error) {
	for _, fn := range fns {
		if fn.Name != deploy.Ingest {
			continue
		}
		v := fn.Env[deploy.TokenCacheTTLVar.Name]
		d, err := time.ParseDuration(v)
		if err != nil || d < 0 {
			return 0, fmt.Errorf("the ingest function's %s=%q: want a duration of 0s or more", deploy.TokenCacheTTLVar.Name, v)
		}
		return d, nil
	}
	return 0, fmt.Errorf("no %s function among the stack's functions", deploy.Ingest)
}

// SignUpCodeHint says where a local sign-up's confirmation code is: cognito-local sends no email
// and keeps the code in its database file (field ConfirmationCode of the user).
func SignUpCodeHint(s State) string {
	if s.CognitoDir == "" || s.UserPoolID == "" {
		return ""
	}
	return "Local stack: no email is sent. The code is the ConfirmationCode of your user in " +
		filepath.Join(s.CognitoDir, ".cognito", "db", s.UserPoolID+".json") + "."
}

// isAPIPath reports whether p is under the first segment of one of pkg/deploy's routes (/status,
// /me, /v1).
func isAPIPath(p string) bool {
	for _, r := range deploy.Routes {
		first, _, _ := strings.Cut(strings.TrimPrefix(r.Path, "/"), "/")
		if prefix := "/" + first; p == prefix || strings.HasPrefix(p, prefix+"/") {
			return true
		}
	}
	return false
}
