package testenv

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// Gate is an HTTP endpoint on 127.0.0.1 that the test function calls ({"call": gate.URL}) to say
// it is running. Each call is held until the test releases the gate (or the caller goes away, as
// when its process is ended), so a test synchronises on "the function is inside its handler"
// instead of sleeping and hoping.
type Gate struct {
	URL string

	arrived chan struct{}
	release chan struct{}
	once    sync.Once

	mu   sync.Mutex
	held int
	max  int
}

// NewGate starts a gate; it is released and closed when the test ends.
func NewGate(t testing.TB) *Gate {
	t.Helper()
	g := &Gate{arrived: make(chan struct{}, 1024), release: make(chan struct{})}
	srv := httptest.NewServer(http.HandlerFunc(g.serve))
	g.URL = srv.URL
	t.Cleanup(srv.Close)
	t.Cleanup(g.Release) // runs first: no handler is left holding when the server closes
	return g
}

func (g *Gate) serve(w http.ResponseWriter, r *http.Request) {
	g.mu.Lock()
	g.held++
	g.max = max(g.max, g.held)
	g.mu.Unlock()
	g.arrived <- struct{}{}
	select {
	case <-g.release:
		w.WriteHeader(http.StatusOK)
	case <-r.Context().Done():
	}
	g.mu.Lock()
	g.held--
	g.mu.Unlock()
}

// Arrived receives one value per call that has reached the gate.
func (g *Gate) Arrived() <-chan struct{} { return g.arrived }

// Release lets every held call and every later one through.
func (g *Gate) Release() { g.once.Do(func() { close(g.release) }) }

// MaxHeld is the largest number of calls the gate has held at once.
func (g *Gate) MaxHeld() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.max
}
