package jwt

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"sync"
	"time"

	"github.com/MicahParks/keyfunc/v3"
	gojwt "github.com/golang-jwt/jwt/v5"
	"golang.org/x/time/rate"
)

// MinRSABits is the smallest RSA modulus accepted, in bits (NIST SP 800-57: 1024-bit keys are
// broken-by-budget; Cognito signs with 2048).
const MinRSABits = 2048

// Defaults of a JWKS.
const (
	// DefaultRefreshInterval is how often the set is fetched again in the background (keyfunc's
	// default), so that a rotated key is known before the first token signed with it.
	DefaultRefreshInterval = time.Hour
	// refetchAfter is how often an unknown key id may fetch the set again, so that tokens with
	// made-up key ids cannot turn the verifier into a load generator for the issuer.
	refetchAfter = time.Second
	// fetchTimeout bounds one fetch of the set, and how long a caller with an unknown key id
	// waits for its turn to refetch.
	fetchTimeout = 5 * time.Second
)

// ErrClosed: the JWKS was closed; it fetches nothing more.
var ErrClosed = errors.New("JWKS closed")

// JWKS is an issuer's JSON Web Key Set (e.g. cognito-local's /<poolId>/.well-known/jwks.json),
// fetched and cached by github.com/MicahParks/keyfunc/v3 (over github.com/MicahParks/jwkset):
// the set is fetched on first use and every RefreshInterval in the background; an unknown key
// id refetches it at most once a second (a caller waits for that turn at most fetchTimeout); a
// fetch that fails keeps the keys held. Close stops the background refresh.
type JWKS struct {
	URL  string
	HTTP *http.Client // default http.DefaultClient, each fetch bounded by fetchTimeout
	// RefreshInterval is the background refresh's period; zero means DefaultRefreshInterval.
	RefreshInterval time.Duration
	// Log receives a WARN line for each failed fetch; nil logs nothing.
	Log *slog.Logger

	mu     sync.Mutex
	kf     keyfunc.Keyfunc
	cancel context.CancelFunc
	closed bool
}

// keys returns the key function, starting it (the first fetch and the background refresh) on
// first use.
func (j *JWKS) keys() (keyfunc.Keyfunc, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.closed {
		return nil, ErrClosed
	}
	if j.kf != nil {
		return j.kf, nil
	}
	interval := j.RefreshInterval
	if interval <= 0 {
		interval = DefaultRefreshInterval
	}
	ctx, cancel := context.WithCancel(context.Background())
	kf, err := keyfunc.NewDefaultOverrideCtx(ctx, []string{j.URL}, keyfunc.Override{
		Client:            j.HTTP,
		HTTPTimeout:       fetchTimeout,
		RefreshInterval:   interval,
		RefreshUnknownKID: rate.NewLimiter(rate.Every(refetchAfter), 1),
		RateLimitWaitMax:  fetchTimeout,
		RefreshErrorHandlerFunc: func(u string) func(context.Context, error) {
			return func(ctx context.Context, err error) {
				if j.Log != nil {
					j.Log.WarnContext(ctx, "JWKS fetch failed; the keys held are kept", "url", u, "error", err)
				}
			}
		},
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("JWKS %s: %w", j.URL, err)
	}
	j.kf, j.cancel = kf, cancel
	return kf, nil
}

// Key returns the RSA key with id kid, as keyfunc selects it for an RS256 token (the key's alg,
// when it names one, must be RS256).
func (j *JWKS) Key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	kf, err := j.keys()
	if err != nil {
		return nil, err
	}
	key, err := kf.KeyfuncCtx(ctx)(&gojwt.Token{Header: map[string]any{"alg": "RS256", "kid": kid}})
	if err != nil {
		return nil, fmt.Errorf("%w: kid %q: %w", ErrUnknownKey, kid, err)
	}
	rsaKey, ok := key.(*rsa.PublicKey)
	if !ok {
		return nil, fmt.Errorf("%w: kid %q is a %T, not an RSA key", ErrUnknownKey, kid, key)
	}
	return rsaKey, nil
}

// Close stops the background refresh (the stack's Close calls it); the JWKS answers ErrClosed
// afterwards.
func (j *JWKS) Close() {
	j.mu.Lock()
	defer j.mu.Unlock()
	j.closed = true
	if j.cancel != nil {
		j.cancel()
	}
}

// checkKeySize refuses RSA keys shorter than MinRSABits.
func checkKeySize(key *rsa.PublicKey) error {
	if bits := key.N.BitLen(); bits < MinRSABits {
		return fmt.Errorf("%w: %d bits, want at least %d", ErrWeakKey, bits, MinRSABits)
	}
	return nil
}
