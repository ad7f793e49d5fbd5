// Package jwt checks bearer tokens the way API Gateway's JWT authorizer does: an RS256 signature
// by a key of the issuer's JWKS, the issuer, the audience (aud, or client_id for Cognito access
// tokens), expiry and not-before, and here also Cognito's token_use. Standard library only.
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
	Leeway   time.Duration    // clock skew allowed on exp and nbf
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
	exp, ok := number(c["exp"])
	if !ok || !now.Before(time.Unix(exp, 0).Add(v.Leeway)) {
		return ErrExpired
	}
	if nbf, ok := number(c["nbf"]); ok && now.Add(v.Leeway).Before(time.Unix(nbf, 0)) {
		return ErrNotYet
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

func number(v any) (int64, bool) {
	f, ok := v.(float64)
	return int64(f), ok
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
