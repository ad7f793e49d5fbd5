package jwt

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
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// This file is an internal test: it uses the JWKS's two test hooks (a fake clock for the
// once-a-second refetch limit, and a signal when a caller joins a fetch under way) to reach each
// interleaving on purpose instead of hoping for it.

// deadlockGuard only bounds a wait that never ends when the code is wrong; a correct run never
// comes near it.
const deadlockGuard = 30 * time.Second

func publicJWK(kid string, key *rsa.PublicKey) map[string]string {
	return map[string]string{"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes())}
}

// issuer is a JWKS endpoint whose answer the test sets, that counts requests and can hold them.
type issuer struct {
	mu       sync.Mutex
	answer   func(w http.ResponseWriter)
	hold     chan struct{} // when set, each request waits for it to close
	arrived  chan struct{} // receives one value per request
	requests atomic.Int32
}

func newIssuer(t *testing.T) (*issuer, *httptest.Server) {
	t.Helper()
	is := &issuer{arrived: make(chan struct{}, 64)}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		is.requests.Add(1)
		is.arrived <- struct{}{}
		is.mu.Lock()
		hold, answer := is.hold, is.answer
		is.mu.Unlock()
		if hold != nil {
			select {
			case <-hold:
			case <-r.Context().Done():
				return
			}
		}
		answer(w)
	}))
	t.Cleanup(srv.Close)
	return is, srv
}

func (is *issuer) set(answer func(w http.ResponseWriter), hold chan struct{}) {
	is.mu.Lock()
	is.answer, is.hold = answer, hold
	is.mu.Unlock()
}

func keySet(keys map[string]*rsa.PublicKey) func(w http.ResponseWriter) {
	var set []map[string]string
	for kid, k := range keys {
		set = append(set, publicJWK(kid, k))
	}
	return func(w http.ResponseWriter) { _ = json.NewEncoder(w).Encode(map[string]any{"keys": set}) }
}

// fakeClock is the JWKS's clock, moved by the test.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *fakeClock) Add(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func genKeys(t *testing.T, n int) []*rsa.PublicKey {
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

// TestJWKSCachedKeyDuringFetch holds a fetch at the issuer: a caller asking for a key already
// cached is answered meanwhile (the old JWKS held its lock during the HTTP fetch, so it waited
// for the issuer), and the held fetch then delivers the new key.
func TestJWKSCachedKeyDuringFetch(t *testing.T) {
	keys := genKeys(t, 2)
	is, srv := newIssuer(t)
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	j := &JWKS{URL: srv.URL, now: clock.Now}
	ctx := context.Background()

	is.set(keySet(map[string]*rsa.PublicKey{"a": keys[0]}), nil)
	if k, err := j.Key(ctx, "a"); err != nil || !k.Equal(keys[0]) {
		t.Fatalf("first fetch: %v", err)
	}
	<-is.arrived
	clock.Add(2 * refetchAfter)

	release := make(chan struct{})
	is.set(keySet(map[string]*rsa.PublicKey{"a": keys[0], "b": keys[1]}), release)
	gotB := make(chan error, 1)
	go func() {
		k, err := j.Key(ctx, "b")
		if err == nil && !k.Equal(keys[1]) {
			err = errors.New("wrong key for b")
		}
		gotB <- err
	}()
	<-is.arrived // the fetch for b is at the issuer, held

	gotA := make(chan error, 1)
	go func() {
		k, err := j.Key(ctx, "a")
		if err == nil && !k.Equal(keys[0]) {
			err = errors.New("wrong key for a")
		}
		gotA <- err
	}()
	select {
	case err := <-gotA:
		if err != nil {
			t.Errorf("cached key during a fetch: %v", err)
		}
	case <-time.After(deadlockGuard):
		t.Error("a cached key waited for the fetch under way (lock held during the HTTP fetch)")
	}
	close(release)
	if err := <-gotB; err != nil {
		t.Errorf("key b after the fetch: %v", err)
	}
	if n := is.requests.Load(); n != 2 {
		t.Errorf("%d fetches, want 2", n)
	}
}

// TestJWKSConcurrentCallersShareOneFetch starts callers for an unknown key while the first
// fetch is held at the issuer, releases it once every caller has joined, and expects one fetch.
// A caller whose context ends leaves without ending the fetch for the others.
func TestJWKSConcurrentCallersShareOneFetch(t *testing.T) {
	keys := genKeys(t, 1)
	cases := []struct {
		name      string
		callers   int
		cancelled int // callers (the first ones) whose context is cancelled while they wait
	}{
		{"eight callers", 8, 0},
		{"first caller gives up", 3, 1},
		{"all but one give up", 5, 4},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is, srv := newIssuer(t)
			joined := make(chan struct{}, tc.callers)
			j := &JWKS{URL: srv.URL, joined: func() { joined <- struct{}{} }}
			release := make(chan struct{})
			is.set(keySet(map[string]*rsa.PublicKey{"k": keys[0]}), release)

			errs := make(chan error, tc.callers)
			var cancels []context.CancelFunc
			for i := range tc.callers {
				ctx, cancel := context.WithCancel(context.Background())
				defer cancel()
				if i < tc.cancelled {
					cancels = append(cancels, cancel)
				}
				go func() {
					k, err := j.Key(ctx, "k")
					if err == nil && !k.Equal(keys[0]) {
						err = errors.New("wrong key")
					}
					errs <- err
				}()
				if i == 0 {
					<-is.arrived // the first caller's fetch is at the issuer
				} else {
					<-joined // this caller waits for that fetch
				}
			}
			for _, cancel := range cancels {
				cancel()
			}
			var cancelled, ok int
			for range tc.cancelled {
				if err := <-errs; errors.Is(err, context.Canceled) {
					cancelled++
				} else {
					t.Errorf("a cancelled caller got %v", err)
				}
			}
			close(release)
			for range tc.callers - tc.cancelled {
				if err := <-errs; err != nil {
					t.Errorf("caller: %v", err)
				} else {
					ok++
				}
			}
			if n := is.requests.Load(); n != 1 {
				t.Errorf("%d fetches for %d concurrent callers, want 1", n, tc.callers)
			}
			if cancelled != tc.cancelled || ok != tc.callers-tc.cancelled {
				t.Errorf("%d cancelled and %d served, want %d and %d", cancelled, ok, tc.cancelled, tc.callers-tc.cancelled)
			}
		})
	}
}

// TestJWKSFailedFetchKeepsCache caches key a, then lets a fetch fail in several ways: the error
// names ErrJWKS, key a is still served, and the next fetch is not held back by the failure.
func TestJWKSFailedFetchKeepsCache(t *testing.T) {
	keys := genKeys(t, 2)
	cases := []struct {
		name   string
		answer func(w http.ResponseWriter)
	}{
		{"HTTP 500", func(w http.ResponseWriter) { http.Error(w, "down", http.StatusInternalServerError) }},
		{"not JSON", func(w http.ResponseWriter) { _, _ = w.Write([]byte("<html>")) }},
		{"empty set", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{"keys":[]}`)) }},
		{"no keys member", func(w http.ResponseWriter) { _, _ = w.Write([]byte(`{}`)) }},
		{"only non-RSA keys", func(w http.ResponseWriter) {
			_, _ = w.Write([]byte(`{"keys":[{"kty":"EC","kid":"a","crv":"P-256","x":"AA","y":"AA"}]}`))
		}},
		{"connection dropped", func(w http.ResponseWriter) {
			conn, _, err := http.NewResponseController(w).Hijack()
			if err == nil {
				conn.Close()
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			is, srv := newIssuer(t)
			clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
			// No keep-alive: a GET dropped on a reused connection is retried by the transport,
			// which would make the count of fetches depend on connection reuse.
			j := &JWKS{URL: srv.URL, now: clock.Now, HTTP: &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}}
			ctx := context.Background()
			is.set(keySet(map[string]*rsa.PublicKey{"a": keys[0]}), nil)
			if _, err := j.Key(ctx, "a"); err != nil {
				t.Fatal(err)
			}
			clock.Add(2 * refetchAfter)

			is.set(tc.answer, nil)
			if _, err := j.Key(ctx, "b"); !errors.Is(err, ErrJWKS) {
				t.Errorf("failed fetch: err %v, want ErrJWKS", err)
			}
			if k, err := j.Key(ctx, "a"); err != nil || !k.Equal(keys[0]) {
				t.Errorf("cached key a after a failed fetch: %v", err)
			}

			// Same instant: a failure does not count as a fetch for the once-a-second limit.
			is.set(keySet(map[string]*rsa.PublicKey{"a": keys[0], "b": keys[1]}), nil)
			if k, err := j.Key(ctx, "b"); err != nil || !k.Equal(keys[1]) {
				t.Errorf("key b once the issuer answers again: %v", err)
			}
			if n := is.requests.Load(); n != 3 {
				t.Errorf("%d fetches, want 3", n)
			}
		})
	}
}

// TestJWKSUnknownKeyRefetchLimit: an unknown key id refetches the set at most once a second.
func TestJWKSUnknownKeyRefetchLimit(t *testing.T) {
	keys := genKeys(t, 1)
	is, srv := newIssuer(t)
	clock := &fakeClock{now: time.Unix(1_800_000_000, 0)}
	j := &JWKS{URL: srv.URL, now: clock.Now}
	is.set(keySet(map[string]*rsa.PublicKey{"a": keys[0]}), nil)
	steps := []struct {
		advance  time.Duration
		kid      string
		want     error
		requests int32
	}{
		{0, "a", nil, 1},
		{0, "x", ErrUnknownKey, 1},
		{refetchAfter / 2, "x", ErrUnknownKey, 1},
		{refetchAfter, "x", ErrUnknownKey, 2},
		{0, "y", ErrUnknownKey, 2},
		{0, "a", nil, 2},
	}
	for i, s := range steps {
		clock.Add(s.advance)
		_, err := j.Key(context.Background(), s.kid)
		if !errors.Is(err, s.want) || (s.want == nil && err != nil) {
			t.Errorf("step %d (%s): err %v, want %v", i, s.kid, err, s.want)
		}
		if n := is.requests.Load(); n != s.requests {
			t.Errorf("step %d: %d fetches, want %d", i, n, s.requests)
		}
	}
}

// TestParseRSA refuses unusable JWKS keys with a reason naming the key id.
func TestParseRSA(t *testing.T) {
	good := genKeys(t, 1)[0]
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	b64 := func(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }
	n := b64(good.N.Bytes())
	cases := []struct {
		name string
		key  jwk
		want error // nil: accepted
	}{
		{"2048 bits", jwk{Kty: "RSA", Kid: "k", N: n, E: "AQAB"}, nil},
		{"1024 bits", jwk{Kty: "RSA", Kid: "k", N: b64(small.N.Bytes()), E: "AQAB"}, ErrWeakKey},
		{"leading zero bytes do not count", jwk{Kty: "RSA", Kid: "k", N: b64(append(make([]byte, 200), small.N.Bytes()...)), E: "AQAB"}, ErrWeakKey},
		{"exponent over 64 bits", jwk{Kty: "RSA", Kid: "k", N: n, E: b64([]byte{1, 0, 0, 0, 0, 0, 0, 0, 1})}, ErrMalformedKey},
		{"exponent 1", jwk{Kty: "RSA", Kid: "k", N: n, E: b64([]byte{1})}, ErrMalformedKey},
		{"even exponent", jwk{Kty: "RSA", Kid: "k", N: n, E: b64([]byte{1, 0, 0})}, ErrMalformedKey},
		{"bad base64", jwk{Kty: "RSA", Kid: "k", N: "!!", E: "AQAB"}, ErrMalformedKey},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k, err := parseRSA(tc.key)
			if tc.want == nil {
				if err != nil || !k.Equal(good) {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}
