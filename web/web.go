// Package web is the tracker page: plain HTML, CSS and ES modules in static/ (no framework, no
// build step, no third-party request), embedded in the binary, and the http.Handler that serves
// them the way the CloudFront distribution does in AWS:
//
//   - the assets, each with its Content-Type, a strong ETag and Cache-Control: no-cache (the names
//     carry no content hash, so a browser revalidates and gets a 304 while nothing changed);
//   - /config.json from the Config given (the user pool, its app client, the Cognito endpoint);
//   - index.html for the single-page routes "/" and "/jobs/{request_id}" (deep links);
//   - security headers on every answer: a strict Content-Security-Policy (no inline script,
//     connect-src limited to the page's own origin and the Cognito endpoint, frame-ancestors
//     'none'), nosniff, no referrer.
//
// The page's modules (static/*.js):
//
//	app.js     entry: loads config.json, restores a session, routes "/" and "/jobs/{id}", the header
//	config.js  the constants: poll intervals, back-off, token refresh lead (one place); URL tuning
//	auth.js    Cognito over fetch: sign-in, sign-up, confirm, refresh, sign-out, the cross-tab hand-off
//	api.js     the status API: bearer token, If-None-Match, one refresh-and-retry on 401
//	poll.js    the poller: interval, paused while the tab is hidden, back-off, the countdown notice
//	signin.js  the sign-in, sign-up and confirm forms
//	list.js    "My jobs": paging, filters in the URL (status, stalled, name search), empty state
//	job.js     one job: stage tracker, progress, ETA, stalled, the full error, "no such job"
//	view.js    the shared pieces: DOM builder, status pill, progress bar, ticking times, live region
//
// The page reads its query string for the list's filters (status, stalled, name search) and,
// only when /config.json says urlTuning (the local stack), for the tests' pollMs (see config.js).
package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
)

//go:embed static
var static embed.FS

// Budget is the most the page's first load may weigh, every file uncompressed (issue 13).
const Budget = 60 * 1024

// Config is /config.json, what the page needs to reach the user pool (see the API contract).
type Config struct {
	Region           string `json:"region"`
	UserPoolID       string `json:"userPoolId"`
	UserPoolClientID string `json:"userPoolClientId"`
	CognitoEndpoint  string `json:"cognitoEndpoint"` // e.g. https://cognito-idp.us-east-1.amazonaws.com/
	// PasswordMinLength is the pool's shortest password (deploy.PasswordMinLength), for the
	// sign-up form's hint and check.
	PasswordMinLength int `json:"passwordMinLength,omitempty"`
	// URLTuning lets the page's URL shorten its poll intervals (?pollMs=, see config.js). Only the
	// local stack sets it, for its tests: deployed, a crafted link cannot make a tab poll faster.
	URLTuning bool `json:"urlTuning,omitempty"`
	// SignUpCodeHint, local stack only, tells the confirm form where the sign-up code is (no
	// email leaves this machine).
	SignUpCodeHint string `json:"signUpCodeHint,omitempty"`
}

// asset is one embedded file, ready to serve.
type asset struct {
	body        []byte
	contentType string
	etag        string
}

// Handler serves the page with cfg as its /config.json. It answers GET and HEAD only.
func Handler(cfg Config) (http.Handler, error) {
	assets, err := load()
	if err != nil {
		return nil, err
	}
	conf, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	assets["config.json"] = newAsset(conf, "application/json")
	csp, err := ContentSecurityPolicy(cfg.CognitoEndpoint)
	if err != nil {
		return nil, err
	}
	return &handler{assets: assets, csp: csp}, nil
}

// Assets returns the names and contents of the page's static files (for size checks and tests).
func Assets() (map[string][]byte, error) {
	out := map[string][]byte{}
	err := fs.WalkDir(static, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := static.ReadFile(p)
		out[strings.TrimPrefix(p, "static/")] = b
		return err
	})
	return out, err
}

func load() (map[string]asset, error) {
	files, err := Assets()
	if err != nil {
		return nil, err
	}
	out := make(map[string]asset, len(files)+1)
	for name, b := range files {
		ct := mime.TypeByExtension(path.Ext(name))
		switch path.Ext(name) { // the system's MIME table may lack these or give no charset
		case ".js":
			ct = "text/javascript; charset=utf-8"
		case ".css":
			ct = "text/css; charset=utf-8"
		case ".html":
			ct = "text/html; charset=utf-8"
		case ".svg":
			ct = "image/svg+xml"
		}
		if ct == "" {
			return nil, fmt.Errorf("web: no content type for %s", name)
		}
		out[name] = newAsset(b, ct)
	}
	return out, nil
}

func newAsset(b []byte, contentType string) asset {
	sum := sha256.Sum256(b)
	return asset{body: b, contentType: contentType, etag: `"` + hex.EncodeToString(sum[:16]) + `"`}
}

// ContentSecurityPolicy is the page's policy: everything from its own origin, fetch also to the
// Cognito endpoint's origin, no inline script, no framing. infra/ sets the same policy on the
// CloudFront response headers.
func ContentSecurityPolicy(cognitoEndpoint string) (string, error) {
	u, err := url.Parse(cognitoEndpoint)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("web: cognito endpoint %q is not an absolute URL", cognitoEndpoint)
	}
	return CSP(u.Scheme + "://" + u.Host), nil
}

// CSP is the page's Content-Security-Policy for a Cognito origin (scheme://host): everything from
// the page's own origin, no inline script or style, fetch to its own origin (the API) and Cognito
// only; no plugins, never framed, no <base>, forms post to itself only. The local stack and
// CloudFront's response headers policy (infra/) both send this one.
func CSP(cognitoOrigin string) string {
	return "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; " +
		"connect-src 'self' " + cognitoOrigin + "; " +
		"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
}

type handler struct {
	assets map[string]asset
	csp    string
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	hd := w.Header()
	hd.Set("Content-Security-Policy", h.csp)
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Referrer-Policy", "no-referrer")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		hd.Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name, ok := route(r.URL.EscapedPath())
	a, found := h.assets[name]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	hd.Set("Content-Type", a.contentType)
	hd.Set("Cache-Control", "no-cache")
	hd.Set("ETag", a.etag)
	// ServeContent answers If-None-Match with 304 and HEAD without a body.
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(a.body))
}

// route maps a request path to the asset it serves: the page's own routes get index.html.
func route(p string) (string, bool) {
	switch {
	case p == "/" || p == "/index.html":
		return "index.html", true
	case strings.HasPrefix(p, "/jobs/") && len(p) > len("/jobs/") && !strings.Contains(p[len("/jobs/"):], "/"):
		return "index.html", true
	case strings.Count(p, "/") == 1 && !strings.HasPrefix(p, "/."):
		return p[1:], true
	}
	return "", false
}
