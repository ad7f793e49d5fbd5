// Package jwt checks bearer tokens the way API Gateway's JWT authorizer does: an RS256 signature
// by a key of the issuer's JWKS (RSA, at least 2048 bits), the issuer, the audience (aud, or
// client_id for Cognito access tokens), and the times: exp after now, nbf and iat before now
// (each within Leeway), and here also Cognito's token_use. Standard library only.
//
// The time claims are NumericDates (RFC 7519 section 2): a JSON number of seconds, fractions
// allowed. A value that is not a number, negative, or past the year 9999 makes the token invalid
// (ErrInvalidClaim), never "expired" or "never expires": converting such a float to int64 is
// implementation-defined in Go, and amd64 and arm64 disagree.
package jwt

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
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
	// ErrMalformedKey: a JWKS key whose modulus or exponent cannot be used.
	ErrMalformedKey = errors.New("malformed RSA key")
	// ErrJWKS: the key set could not be fetched or held no usable key.
	ErrJWKS = errors.New("JWKS unavailable")
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

type header struct {
	Alg string `json:"alg"`
	Kid string `json:"kid"`
}

// Verify checks token and returns its claims.
func (v *Verifier) Verify(ctx context.Context, token string) (Claims, error) {
	if token == "" {
		return nil, ErrMissing
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return nil, ErrMalformed
	}
	var h header
	if err := decodeJSON(parts[0], &h); err != nil {
		return nil, fmt.Errorf("%w: header: %v", ErrMalformed, err)
	}
	if h.Alg != "RS256" {
		return nil, fmt.Errorf("%w: %q", ErrAlgorithm, h.Alg)
	}
	key, err := v.Keys.Key(ctx, h.Kid)
	if err != nil {
		return nil, err
	}
	if err := checkKeySize(key); err != nil { // whatever the KeySource
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, fmt.Errorf("%w: signature encoding", ErrMalformed)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if err := rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], sig); err != nil {
		return nil, ErrSignature
	}
	var claims Claims
	if err := decodeJSON(parts[1], &claims); err != nil {
		return nil, fmt.Errorf("%w: claims: %v", ErrMalformed, err)
	}
	return claims, v.checkClaims(claims)
}

func (v *Verifier) checkClaims(c Claims) error {
	now := time.Now()
	if v.Now != nil {
		now = v.Now()
	}
	if iss, _ := c["iss"].(string); iss != v.Issuer {
		return fmt.Errorf("%w: %q", ErrIssuer, iss)
	}
	if !slices.ContainsFunc(audiences(c), func(a string) bool { return slices.Contains(v.Audience, a) }) {
		return fmt.Errorf("%w: %v", ErrAudience, audiences(c))
	}
	exp, err := numericDate(c, "exp", true)
	if err != nil {
		return err
	}
	nbf, err := numericDate(c, "nbf", false)
	if err != nil {
		return err
	}
	iat, err := numericDate(c, "iat", true)
	if err != nil {
		return err
	}
	if !now.Before(exp.Add(v.Leeway)) {
		return fmt.Errorf("%w: exp %s", ErrExpired, exp.UTC().Format(time.RFC3339))
	}
	if !nbf.IsZero() && now.Add(v.Leeway).Before(nbf) {
		return fmt.Errorf("%w: nbf %s", ErrNotYet, nbf.UTC().Format(time.RFC3339))
	}
	if now.Add(v.Leeway).Before(iat) {
		return fmt.Errorf("%w: iat %s", ErrIssuedAt, iat.UTC().Format(time.RFC3339))
	}
	if len(v.TokenUse) > 0 {
		if use, _ := c["token_use"].(string); !slices.Contains(v.TokenUse, use) {
			return fmt.Errorf("%w: %q", ErrTokenUse, use)
		}
	}
	return nil
}

// audiences returns aud (a string or a list), or client_id when there is no aud.
func audiences(c Claims) []string {
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

// numericDate reads the time claim name: the zero time when it is absent and not required,
// ErrInvalidClaim when it is missing but required, not a number, negative or past maxNumericDate.
// The range check comes before any conversion: float64 to int64 of an out-of-range value is
// implementation-defined in Go (amd64 gives math.MinInt64, arm64 saturates to math.MaxInt64).
func numericDate(c Claims, name string, required bool) (time.Time, error) {
	v, present := c[name]
	if !present {
		if required {
			return time.Time{}, fmt.Errorf("%w: %s missing", ErrInvalidClaim, name)
		}
		return time.Time{}, nil
	}
	f, ok := v.(float64)
	if !ok || !(f >= 0 && f <= maxNumericDate) { // also false for NaN
		return time.Time{}, fmt.Errorf("%w: %s %v is not a date from 1970 to 9999", ErrInvalidClaim, name, v)
	}
	sec := math.Floor(f)
	return time.Unix(int64(sec), int64((f-sec)*1e9)), nil
}

func decodeJSON(seg string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
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
