// Package receiver is the local stack's Slack and webhook endpoint (issue 22): alerts the
// notifier posts to http://127.0.0.1:<port>/slack/<anything> or /hook/<anything> are kept in
// memory, like the SES emulator's mail, and listed by GET /store (POST /clear-store empties it).
// A Slack post is also rendered as a person would read it in Slack (Render), so tests and
// `make up` can see what the message says. It answers each post 200, or the status set for its
// path (SetStatus), for fault tests.
package receiver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/trainstatus/trainstatus/pkg/alerts"
)

// MaxBody is the most a post may carry (the notifier sends at most alerts.MaxBody).
const MaxBody = alerts.MaxBody

// Post is one received alert.
type Post struct {
	// Channel is "slack" or "webhook" (from the path's first segment).
	Channel string `json:"channel"`
	Path    string `json:"path"`
	// Signature is the webhook's signature header.
	Signature string          `json:"signature,omitempty"`
	Body      json.RawMessage `json:"body"`
	// Rendered is a Slack post's text as Slack shows it (Render); "" for a webhook.
	Rendered string    `json:"rendered,omitempty"`
	At       time.Time `json:"at"`
}

// Server is a running receiver.
type Server struct {
	Endpoint string
	srv      *http.Server
	mu       sync.Mutex
	posts    []Post
	status   map[string]int
}

// Start listens on addr (127.0.0.1:<port>).
func Start(addr string) (*Server, error) {
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		return nil, errors.New("receiver: listen address must be 127.0.0.1:<port>")
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{Endpoint: "http://" + l.Addr().String(), status: map[string]int{}}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = s.srv.Serve(l) }()
	return s, nil
}

// Close stops the server.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
}

// SetStatus makes posts to path answer code (0: 200 again).
func (s *Server) SetStatus(path string, code int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status[path] = code
}

// Posts returns what was received, oldest first.
func (s *Server) Posts() []Post {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Post(nil), s.posts...)
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.Method == http.MethodGet && r.URL.Path == "/store":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(struct {
			Posts []Post `json:"posts"`
		}{s.Posts()})
		return
	case r.Method == http.MethodPost && r.URL.Path == "/clear-store":
		s.mu.Lock()
		s.posts = nil
		s.mu.Unlock()
		return
	case r.Method != http.MethodPost:
		http.Error(w, "POST an alert to /slack/... or /hook/...", http.StatusMethodNotAllowed)
		return
	}
	channel := map[string]string{"slack": "slack", "hook": "webhook"}[strings.SplitN(strings.TrimPrefix(r.URL.Path, "/"), "/", 2)[0]]
	if channel == "" {
		http.NotFound(w, r)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil || len(body) > MaxBody || !json.Valid(body) {
		http.Error(w, "want a JSON body of at most 64 KiB", http.StatusBadRequest)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if code := s.status[r.URL.Path]; code != 0 {
		w.WriteHeader(code)
		return
	}
	p := Post{Channel: channel, Path: r.URL.Path, Signature: r.Header.Get(alerts.SignatureHeader), Body: body, At: time.Now().UTC()}
	if channel == "slack" {
		var msg struct{ Text string }
		if json.Unmarshal(body, &msg) == nil {
			p.Rendered = Render(msg.Text)
		}
	}
	s.posts = append(s.posts, p)
}
