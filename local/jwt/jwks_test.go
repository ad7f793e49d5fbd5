package jwt_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/jwt"
)

// deadlockGuard only bounds a wait that never ends when the code is wrong; a correct run never
// comes near it.
const deadlockGuard = 30 * time.Second

// keyIssuer is a JWKS endpoint whose answer the test sets and that counts its fetches.
type keyIssuer struct {
	mu      sync.Mutex
	answer  func(w http.ResponseWriter)
	fetches atomic.Int32
	url     string
}

func newKeyIssuer(t *testing.T) *keyIssuer {
	t.Helper()
	is := &keyIssuer{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		is.fetches.Add(1)
		is.mu.Lock()
		answer := is.answer
		is.mu.Unlock()
		answer(w)
	}))
	t.Cleanup(srv.Close)
	is.url = srv.URL
	return is
}

// serve makes the issuer answer with a set of these keys, by key id.
func (is *keyIssuer) serve(keys map[string]*rsa.PublicKey) {
	var set []map[string]string
	for kid, k := range keys {
		set = append(set, map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
			"n": base64.RawURLEncoding.EncodeToString(k.N.Bytes()),
			"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(k.E)).Bytes())})
	}
	is.set(func(w http.ResponseWriter) { _ = json.NewEncoder(w).Encode(map[string]any{"keys": set}) })
}

func (is *keyIssuer) set(answer func(w http.ResponseWriter)) {
	is.mu.Lock()
	is.answer = answer
	is.mu.Unlock()
}

func newKeys(t *testing.T, n int) []*rsa.PublicKey {
	t.Helper()
	var out []*rsa.PublicKey
	for range n {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, &k.PublicKey)
	}
	return out
}

// TestJWKSKeys: the set is fetched on first use; a key id it does not hold refetches it (a
// rotated key is found); a fetch that fails keeps the keys held, and an unknown key id is then
// ErrUnknownKey.
func TestJWKSKeys(t *testing.T) {
	keys := newKeys(t, 2)
	is := newKeyIssuer(t)
	is.serve(map[string]*rsa.PublicKey{"a": keys[0]})
	j := &jwt.JWKS{URL: is.url}
	t.Cleanup(j.Close)
	ctx := context.Background()
	down := func(w http.ResponseWriter) { http.Error(w, "down", http.StatusInternalServerError) }
	steps := []struct {
		name    string
		answer  func()
		kid     string
		want    *rsa.PublicKey // nil: ErrUnknownKey
		fetches int32
	}{
		{"first use fetches the set", nil, "a", keys[0], 1},
		{"a held key is not fetched again", nil, "a", keys[0], 1},
		{"a rotated key is fetched", func() { is.serve(map[string]*rsa.PublicKey{"a": keys[0], "b": keys[1]}) }, "b", keys[1], 2},
		{"the issuer is down: an unknown key id", func() { is.set(down) }, "c", nil, 3},
		{"the keys held are kept", nil, "a", keys[0], 3},
	}
	for _, s := range steps {
		if s.answer != nil {
			s.answer()
		}
		k, err := j.Key(ctx, s.kid)
		switch {
		case s.want == nil && !errors.Is(err, jwt.ErrUnknownKey):
			t.Errorf("%s: err %v, want ErrUnknownKey", s.name, err)
		case s.want != nil && (err != nil || !k.Equal(s.want)):
			t.Errorf("%s: key %v, err %v", s.name, k, err)
		}
		if n := is.fetches.Load(); n != s.fetches {
			t.Errorf("%s: %d fetches, want %d", s.name, n, s.fetches)
		}
	}
}

// refreshGoroutines counts the goroutines of a JWKS's background refresh (jwkset's).
func refreshGoroutines() int {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	n := 0
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "jwkset.NewStorageFromHTTP.func") {
			n++
		}
	}
	return n
}

// TestJWKSCloseStopsTheRefresh: the set is refreshed in the background until Close, which ends
// the refresh goroutine; nothing is fetched after it, and the closed JWKS answers ErrClosed.
func TestJWKSCloseStopsTheRefresh(t *testing.T) {
	keys := newKeys(t, 1)
	is := newKeyIssuer(t)
	is.serve(map[string]*rsa.PublicKey{"a": keys[0]})
	before := refreshGoroutines()
	j := &jwt.JWKS{URL: is.url, RefreshInterval: time.Millisecond}
	if _, err := j.Key(context.Background(), "a"); err != nil {
		t.Fatal(err)
	}
	if got := refreshGoroutines(); got != before+1 {
		t.Fatalf("%d refresh goroutines, want %d", got, before+1)
	}
	guard := time.Now().Add(deadlockGuard)
	poll := time.NewTicker(time.Millisecond)
	defer poll.Stop()
	for is.fetches.Load() < 3 && time.Now().Before(guard) { // refreshed in the background
		<-poll.C
	}
	if n := is.fetches.Load(); n < 3 {
		t.Fatalf("%d fetches, want background refreshes", n)
	}
	j.Close()
	for refreshGoroutines() > before && time.Now().Before(guard) {
		<-poll.C
	}
	if got := refreshGoroutines(); got != before {
		t.Fatalf("%d refresh goroutines after Close, want %d", got, before)
	}
	after := is.fetches.Load()
	if _, err := j.Key(context.Background(), "b"); !errors.Is(err, jwt.ErrClosed) {
		t.Errorf("Key after Close: %v, want ErrClosed", err)
	}
	if n := is.fetches.Load(); n != after {
		t.Errorf("%d fetches after Close, want none", n-after)
	}
}
