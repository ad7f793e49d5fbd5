// Package jwt checks bearer tokens the way API Gateway's JWT authorizer does, for the local
// stack: github.com/golang-jwt/jwt/v5 parses the token, checks its RS256 signature, issuer and
// times (exp after now, nbf and iat before now, each within Leeway), and keys come from the
// issuer's JWKS through github.com/MicahParks/keyfunc/v3. What this package adds is what API
// Gateway does and the libraries do not: RSA keys of at least MinRSABits, the audience as aud or,
// for Cognito access tokens that have none, client_id, and (not API Gateway's, Cognito's)
// token_use.
//
// The time claims are NumericDates (RFC 7519 section 2): a JSON number of seconds, fractions
// allowed. A value that is not a number, negative, or past the year 9999 makes the token invalid
// (ErrInvalidClaim), never "expired" or "never expires": this is checked before the library reads
// the claims, because converting such a float to int64 is implementation-defined in Go, and
// amd64 and arm64 disagree.
package jwt

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"
)

// Why a token is refused; Verify wraps one of these.
var (
	ErrMissing    = errors.New("no bearer token")
	ErrMalformed  = errors.New("malformed token")
	ErrAlgorithm  = errors.New("algorithm not accepted")
	ErrUnknownKey = errors.New("signing key not in the JWKS")
	ErrSignature  = errors.New("bad signature")
	ErrIssuer     = errors.New("wrong issuer")
	ErrAudience   = errors.New("wrong audience")
	ErrExpired    = errors.New("token expired")
	ErrNotYet     = errors.New("token not valid yet")
	ErrTokenUse   = errors.New("wrong token_use")
	// ErrIssuedAt: iat is later than now (beyond Leeway).
	ErrIssuedAt = errors.New("token issued in the future")
	// ErrInvalidClaim: a time claim is missing (exp, iat) or not a NumericDate in range.
	ErrInvalidClaim = errors.New("invalid claim")
	// ErrWeakKey: the signing key is shorter than MinRSABits.
	ErrWeakKey = errors.New("RSA key too short")
)

// Claims are a verified token's claims.
type Claims map[string]any

// KeySource gives the public key for a key id (a JWKS).
type KeySource interface {
	Key(ctx context.Context, kid string) (*rsa.PublicKey, error)
}

// Verifier checks tokens against one issuer.
type Verifier struct {
	Issuer   string
	Audience []string // accepted aud / client_id values (the app client ids)
	TokenUse []string // accepted token_use values; empty accepts any
	Keys     KeySource
	Leeway   time.Duration    // clock skew allowed on exp, nbf and iat
	Now      func() time.Time // default time.Now
}

// Verify checks token and returns its claims.
func (v *Verifier) Verify(ctx context.Context, token string) (Claims, error) {
	if token == "" {
		return nil, ErrMissing
	}
	// The signature first, claims not yet validated: their bounds are checked before the
	// library converts them (see the package documentation).
	parser := gojwt.NewParser(gojwt.WithValidMethods([]string{"RS256"}), gojwt.WithoutClaimsValidation())
	claims := gojwt.MapClaims{}
	tok, err := parser.ParseWithClaims(token, claims, func(t *gojwt.Token) (any, error) {
		kid, _ := t.Header["kid"].(string)
		key, err := v.Keys.Key(ctx, kid)
		if err != nil {
			return nil, err
		}
		if err := checkKeySize(key); err != nil { // whatever the KeySource
			return nil, err
		}
		return key, nil
	})
	if err != nil {
		return nil, parseError(tok, err)
	}
	if err := v.checkClaims(claims); err != nil {
		return nil, err
	}
	return Claims(claims), nil
}

// parseError names why the library refused the token, with one of this package's errors.
func parseError(tok *gojwt.Token, err error) error {
	switch {
	case errors.Is(err, ErrUnknownKey), errors.Is(err, ErrWeakKey), errors.Is(err, ErrClosed):
		return err // the key source's own
	case errors.Is(err, gojwt.ErrTokenMalformed):
		return fmt.Errorf("%w: %w", ErrMalformed, err)
	case tok != nil && tok.Header["alg"] != "RS256":
		return fmt.Errorf("%w: %q", ErrAlgorithm, tok.Header["alg"])
	case errors.Is(err, gojwt.ErrTokenSignatureInvalid):
		return fmt.Errorf("%w: %w", ErrSignature, err)
	}
	return fmt.Errorf("%w: %w", ErrMalformed, err)
}

// timeErrors map the library's validation errors to this package's.
var timeErrors = []struct{ lib, ours error }{
	{gojwt.ErrTokenInvalidIssuer, ErrIssuer},
	{gojwt.ErrTokenExpired, ErrExpired},
	{gojwt.ErrTokenNotValidYet, ErrNotYet},
	{gojwt.ErrTokenUsedBeforeIssued, ErrIssuedAt},
	{gojwt.ErrTokenRequiredClaimMissing, ErrInvalidClaim},
	{gojwt.ErrTokenInvalidClaims, ErrInvalidClaim},
}

func (v *Verifier) checkClaims(c gojwt.MapClaims) error {
	now := time.Now
	if v.Now != nil {
		now = v.Now
	}
	for _, name := range []string{"exp", "nbf", "iat"} {
		if err := numericDate(c, name, name != "nbf"); err != nil {
			return err
		}
	}
	validator := gojwt.NewValidator(gojwt.WithIssuer(v.Issuer), gojwt.WithLeeway(v.Leeway), gojwt.WithTimeFunc(now),
		gojwt.WithExpirationRequired(), gojwt.WithIssuedAt())
	if err := validator.Validate(c); err != nil {
		for _, m := range timeErrors {
			if errors.Is(err, m.lib) {
				return fmt.Errorf("%w: %w", m.ours, err)
			}
		}
		return fmt.Errorf("%w: %w", ErrInvalidClaim, err)
	}
	// Cognito's: an access token names its app client in client_id, not aud.
	if !slices.ContainsFunc(audiences(c), func(a string) bool { return slices.Contains(v.Audience, a) }) {
		return fmt.Errorf("%w: %v", ErrAudience, audiences(c))
	}
	if len(v.TokenUse) > 0 {
		if use, _ := c["token_use"].(string); !slices.Contains(v.TokenUse, use) {
			return fmt.Errorf("%w: %q", ErrTokenUse, use)
		}
	}
	return nil
}

// audiences returns aud (a string or a list), or client_id when there is no aud.
func audiences(c gojwt.MapClaims) []string {
	switch aud := c["aud"].(type) {
	case string:
		return []string{aud}
	case []any:
		var out []string
		for _, a := range aud {
			if s, ok := a.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if id, ok := c["client_id"].(string); ok {
		return []string{id}
	}
	return nil
}

// maxNumericDate is 9999-12-31T23:59:59Z: later dates are refused as invalid, not read as "never".
const maxNumericDate = 253402300799

// numericDate checks the time claim name: ErrInvalidClaim when it is missing but required, not a
// number, negative or past maxNumericDate.
func numericDate(c gojwt.MapClaims, name string, required bool) error {
	v, present := c[name]
	if !present {
		if required {
			return fmt.Errorf("%w: %s missing", ErrInvalidClaim, name)
		}
		return nil
	}
	f, ok := v.(float64)
	if !ok || !(f >= 0 && f <= maxNumericDate) { // also false for NaN
		return fmt.Errorf("%w: %s %v is not a date from 1970 to 9999", ErrInvalidClaim, name, v)
	}
	return nil
}

// BearerToken returns the token of an Authorization header "Bearer <token>". API Gateway also
// accepts the bare token, so this does too.
func BearerToken(authorization string) string {
	s := strings.TrimSpace(authorization)
	if len(s) > 7 && strings.EqualFold(s[:7], "bearer ") {
		return strings.TrimSpace(s[7:])
	}
	return s
}
