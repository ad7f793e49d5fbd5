package stack

import (
	"net/http"
	"path/filepath"
	"strings"

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
func withPage(api http.Handler, s State) (http.Handler, error) {
	page, err := web.Handler(PageConfig(s))
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
// password length, the tests' URL tuning (never set in AWS) and where cognito-local keeps the
// sign-up codes it would have emailed.
func PageConfig(s State) web.Config {
	return web.Config{Region: s.Region, UserPoolID: s.UserPoolID, UserPoolClientID: s.ClientID,
		CognitoEndpoint:   strings.TrimSuffix(s.CognitoEndpoint, "/") + "/",
		PasswordMinLength: deploy.PasswordMinLength, URLTuning: true, SignUpCodeHint: SignUpCodeHint(s)}
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
