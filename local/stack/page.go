package stack

import (
	"net/http"
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

// PageConfig is the page's /config.json for a stack.
func PageConfig(s State) web.Config {
	return web.Config{Region: s.Region, UserPoolID: s.UserPoolID, UserPoolClientID: s.ClientID,
		CognitoEndpoint: strings.TrimSuffix(s.CognitoEndpoint, "/") + "/"}
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
