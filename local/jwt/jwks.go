package jwt

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"sync"
	"time"
)

// MinRSABits is the smallest RSA modulus accepted, in bits (NIST SP 800-57: 1024-bit keys are
// broken-by-budget; Cognito signs with 2048).
const MinRSABits = 2048

// refetchAfter is how soon after a successful fetch an unknown key id may fetch the set again, so
// that tokens with made-up key ids cannot turn the verifier into a load generator for the issuer.
const refetchAfter = time.Second

// fetchTimeout bounds one fetch of the set; it runs detached from any one caller's context
// because several callers share it.
const fetchTimeout = 5 * time.Second

// JWKS fetches an issuer's JSON Web Key Set (e.g. cognito-local's /<poolId>/.well-known/jwks.json)
// and caches it; an unknown key id refetches it, at most once a second.
//
// No lock is held during the HTTP fetch: callers asking for a cached key are answered while a
// fetch is under way, concurrent callers needing a fetch share one, and each waits only as long
// as its own context allows. A fetch that fails, or returns no usable key, leaves the cache as
// it was.
type JWKS struct {
	URL  string
	HTTP *http.Client

	mu       sync.Mutex
	keys     map[string]*rsa.PublicKey
	unusable map[string]error // key ids of the set whose key is refused (e.g. too short), and why
	fetched  time.Time        // last successful fetch
	flight   *flight          // the fetch under way, if any

	// Test hooks: joined runs (under mu) when a caller waits for a fetch another caller started;
	// now replaces time.Now for the refetch limit.
	joined func()
	now    func() time.Time
}

func (j *JWKS) clock() time.Time {
	if j.now != nil {
		return j.now()
	}
	return time.Now()
}

// flight is one fetch of the set, shared by every caller that needs it.
type flight struct {
	done chan struct{}
	err  error // set before done is closed
}

// Key returns the RSA key with id kid.
func (j *JWKS) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	j.mu.Lock()
	if k, err, ok := j.lookup(kid); ok {
		j.mu.Unlock()
		return k, err
	}
	if !j.fetched.IsZero() && j.clock().Sub(j.fetched) <= refetchAfter && j.flight == nil {
		j.mu.Unlock()
		return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
	}
	f := j.flight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		j.flight = f
		go j.run(f)
	} else if j.joined != nil {
		j.joined()
	}
	j.mu.Unlock()

	select {
	case <-f.done:
	case <-ctx.Done():
		return nil, fmt.Errorf("fetching JWKS: %w", ctx.Err())
	}
	if f.err != nil {
		return nil, f.err
	}
	j.mu.Lock()
	defer j.mu.Unlock()
	if k, err, ok := j.lookup(kid); ok {
		return k, err
	}
	return nil, fmt.Errorf("%w: kid %q", ErrUnknownKey, kid)
}

// lookup finds kid in the cache; ok is false when the set does not name it. j.mu is held.
func (j *JWKS) lookup(kid string) (*rsa.PublicKey, error, bool) {
	if k, ok := j.keys[kid]; ok {
		return k, nil, true
	}
	if err, ok := j.unusable[kid]; ok {
		return nil, err, true
	}
	return nil, nil, false
}

// run fetches the set for flight f and installs it on success.
func (j *JWKS) run(f *flight) {
	ctx, cancel := context.WithTimeout(context.Background(), fetchTimeout)
	defer cancel()
	keys, unusable, err := j.fetch(ctx)
	j.mu.Lock()
	if err == nil {
		j.keys, j.unusable, j.fetched = keys, unusable, j.clock()
	}
	j.flight = nil
	f.err = err
	j.mu.Unlock()
	close(f.done)
}

type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func (j *JWKS) fetch(ctx context.Context) (map[string]*rsa.PublicKey, map[string]error, error) {
	hc := j.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: fetchTimeout}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, j.URL, nil)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %v", ErrJWKS, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, nil, fmt.Errorf("%w: %w", ErrJWKS, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, nil, fmt.Errorf("%w: %s: HTTP %d", ErrJWKS, j.URL, resp.StatusCode)
	}
	var set struct {
		Keys []jwk `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&set); err != nil {
		return nil, nil, fmt.Errorf("%w: decoding %s: %v", ErrJWKS, j.URL, err)
	}
	keys, unusable := map[string]*rsa.PublicKey{}, map[string]error{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" {
			continue
		}
		key, err := parseRSA(k)
		if err != nil {
			unusable[k.Kid] = fmt.Errorf("kid %q: %w", k.Kid, err)
			continue
		}
		keys[k.Kid] = key
	}
	if len(keys) == 0 && len(unusable) == 0 {
		// An issuer answering with no RSA key at all is broken, not rotating: keep what we have.
		return nil, nil, fmt.Errorf("%w: %s has no RSA key (%d keys)", ErrJWKS, j.URL, len(set.Keys))
	}
	return keys, unusable, nil
}

// parseRSA decodes a JWK's modulus and exponent and refuses short moduli and odd exponents.
func parseRSA(k jwk) (*rsa.PublicKey, error) {
	n, err1 := base64.RawURLEncoding.DecodeString(k.N)
	e, err2 := base64.RawURLEncoding.DecodeString(k.E)
	if err := errors.Join(err1, err2); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrMalformedKey, err)
	}
	key := &rsa.PublicKey{N: new(big.Int).SetBytes(n)}
	exp := new(big.Int).SetBytes(e)
	// Exponents are small odd numbers (65537 in practice); refuse what would not fit an int.
	if !exp.IsInt64() || exp.Int64() < 3 || exp.Int64() > 1<<31-1 || exp.Bit(0) == 0 {
		return nil, fmt.Errorf("%w: exponent %s", ErrMalformedKey, exp)
	}
	key.E = int(exp.Int64())
	if err := checkKeySize(key); err != nil {
		return nil, err
	}
	return key, nil
}

// checkKeySize refuses RSA keys shorter than MinRSABits.
func checkKeySize(key *rsa.PublicKey) error {
	if bits := key.N.BitLen(); bits < MinRSABits {
		return fmt.Errorf("%w: %d bits, want at least %d", ErrWeakKey, bits, MinRSABits)
	}
	return nil
}
