package jwt_test

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/jwt"
)

const (
	issuer = "http://127.0.0.1:9229/local_pool"
	client = "client-1"
)

func sign(t *testing.T, key *rsa.PrivateKey, hdr, claims map[string]any) string {
	t.Helper()
	h, _ := json.Marshal(hdr)
	c, _ := json.Marshal(claims)
	input := base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c)
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func jwksServer(t *testing.T, key *rsa.PublicKey, kid string) *httptest.Server {
	t.Helper()
	set := map[string]any{"keys": []map[string]string{{
		"kty": "RSA", "kid": kid, "alg": "RS256", "use": "sig",
		"n": base64.RawURLEncoding.EncodeToString(key.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(key.E)).Bytes()),
	}}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(set)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestVerify(t *testing.T) {
	good, _ := rsa.GenerateKey(rand.Reader, 2048)
	other, _ := rsa.GenerateKey(rand.Reader, 2048)
	srv := jwksServer(t, &good.PublicKey, "CognitoLocal")
	now := time.Unix(1_800_000_000, 0)
	v := &jwt.Verifier{Issuer: issuer, Audience: []string{client}, TokenUse: []string{"id", "access"},
		Keys: &jwt.JWKS{URL: srv.URL}, Now: func() time.Time { return now }, Leeway: 5 * time.Second}

	rs256 := map[string]any{"alg": "RS256", "kid": "CognitoLocal", "typ": "JWT"}
	idClaims := func(edit func(map[string]any)) map[string]any {
		c := map[string]any{"sub": "u-1", "iss": issuer, "aud": client, "token_use": "id",
			"exp": now.Add(time.Hour).Unix(), "iat": now.Add(-time.Minute).Unix(), "email": "a@example.com"}
		if edit != nil {
			edit(c)
		}
		return c
	}
	hs256 := func() string { // alg confusion: HMAC keyed with the public modulus
		h, _ := json.Marshal(map[string]any{"alg": "HS256", "kid": "CognitoLocal"})
		c, _ := json.Marshal(idClaims(nil))
		return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + ".c2ln"
	}
	none := func() string {
		h, _ := json.Marshal(map[string]any{"alg": "none"})
		c, _ := json.Marshal(idClaims(nil))
		return base64.RawURLEncoding.EncodeToString(h) + "." + base64.RawURLEncoding.EncodeToString(c) + "."
	}

	cases := []struct {
		name  string
		token string
		want  error // nil: accepted
	}{
		{"valid id token", sign(t, good, rs256, idClaims(nil)), nil},
		{"valid access token with client_id", sign(t, good, rs256, idClaims(func(c map[string]any) {
			delete(c, "aud")
			c["client_id"], c["token_use"] = client, "access"
		})), nil},
		{"aud as a list", sign(t, good, rs256, idClaims(func(c map[string]any) { c["aud"] = []string{"x", client} })), nil},
		{"expired within leeway", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = now.Add(-2 * time.Second).Unix() })), nil},
		{"missing", "", jwt.ErrMissing},
		{"malformed", "abc.def", jwt.ErrMalformed},
		{"bad signature", sign(t, other, rs256, idClaims(nil)), jwt.ErrSignature},
		{"tampered claims", func() string {
			tok := sign(t, good, rs256, idClaims(nil))
			forged := sign(t, good, rs256, idClaims(func(c map[string]any) { c["sub"] = "admin" }))
			return forged[:len(forged)-len(sigOf(forged))] + sigOf(tok)
		}(), jwt.ErrSignature},
		{"wrong alg HS256", hs256(), jwt.ErrAlgorithm},
		{"wrong alg none", none(), jwt.ErrAlgorithm},
		{"unknown kid", sign(t, good, map[string]any{"alg": "RS256", "kid": "other"}, idClaims(nil)), jwt.ErrUnknownKey},
		{"wrong issuer", sign(t, good, rs256, idClaims(func(c map[string]any) { c["iss"] = "http://localhost:9229/local_pool" })), jwt.ErrIssuer},
		{"wrong audience", sign(t, good, rs256, idClaims(func(c map[string]any) { c["aud"] = "client-2" })), jwt.ErrAudience},
		{"no audience", sign(t, good, rs256, idClaims(func(c map[string]any) { delete(c, "aud") })), jwt.ErrAudience},
		{"expired", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = now.Add(-time.Minute).Unix() })), jwt.ErrExpired},
		{"no exp", sign(t, good, rs256, idClaims(func(c map[string]any) { delete(c, "exp") })), jwt.ErrInvalidClaim},
		// iat as API Gateway checks it: before the current time, here within Leeway.
		{"issued in the future", sign(t, good, rs256, idClaims(func(c map[string]any) { c["iat"] = now.Add(time.Minute).Unix() })), jwt.ErrIssuedAt},
		{"issued in the future within leeway", sign(t, good, rs256, idClaims(func(c map[string]any) { c["iat"] = now.Add(4 * time.Second).Unix() })), nil},
		{"issued just now", sign(t, good, rs256, idClaims(func(c map[string]any) { c["iat"] = now.Unix() })), nil},
		{"no iat", sign(t, good, rs256, idClaims(func(c map[string]any) { delete(c, "iat") })), jwt.ErrInvalidClaim},
		// Numeric claims out of range are invalid, whatever float64-to-int64 gives on this machine.
		{"exp 1e300", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = 1e300 })), jwt.ErrInvalidClaim},
		{"exp 1e19", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = 1e19 })), jwt.ErrInvalidClaim},
		{"exp after 9999", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = 253402300800 })), jwt.ErrInvalidClaim},
		{"exp negative", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = -1 })), jwt.ErrInvalidClaim},
		{"exp a string", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = "1900000000" })), jwt.ErrInvalidClaim},
		{"exp null", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = nil })), jwt.ErrInvalidClaim},
		{"exp fractional", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = float64(now.Add(time.Hour).Unix()) + 0.5 })), nil},
		{"exp fractional just past leeway", sign(t, good, rs256, idClaims(func(c map[string]any) { c["exp"] = float64(now.Add(-5*time.Second).Unix()) - 0.25 })), jwt.ErrExpired},
		{"nbf 1e300", sign(t, good, rs256, idClaims(func(c map[string]any) { c["nbf"] = 1e300 })), jwt.ErrInvalidClaim},
		{"nbf negative", sign(t, good, rs256, idClaims(func(c map[string]any) { c["nbf"] = -1e300 })), jwt.ErrInvalidClaim},
		{"iat 1e300", sign(t, good, rs256, idClaims(func(c map[string]any) { c["iat"] = 1e300 })), jwt.ErrInvalidClaim},
		{"iat a string", sign(t, good, rs256, idClaims(func(c map[string]any) { c["iat"] = "yesterday" })), jwt.ErrInvalidClaim},
		{"not yet valid", sign(t, good, rs256, idClaims(func(c map[string]any) { c["nbf"] = now.Add(time.Minute).Unix() })), jwt.ErrNotYet},
		{"wrong token_use", sign(t, good, rs256, idClaims(func(c map[string]any) { c["token_use"] = "refresh" })), jwt.ErrTokenUse},
		{"no token_use", sign(t, good, rs256, idClaims(func(c map[string]any) { delete(c, "token_use") })), jwt.ErrTokenUse},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			claims, err := v.Verify(context.Background(), tc.token)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if claims["sub"] != "u-1" {
					t.Errorf("claims %v", claims)
				}
				return
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
		})
	}
}

func sigOf(tok string) string {
	for i := len(tok) - 1; i >= 0; i-- {
		if tok[i] == '.' {
			return tok[i+1:]
		}
	}
	return ""
}

func TestBearerToken(t *testing.T) {
	cases := map[string]string{"Bearer abc": "abc", "bearer  abc ": "abc", "abc": "abc", "": "", "Bearer ": "Bearer"}
	for in, want := range cases {
		if got := jwt.BearerToken(in); got != want {
			t.Errorf("BearerToken(%q) = %q, want %q", in, got, want)
		}
	}
}

// staticKey is a KeySource holding one key, to check Verify refuses a short key whatever its source.
type staticKey struct{ key *rsa.PublicKey }

func (s staticKey) Key(context.Context, string) (*rsa.PublicKey, error) { return s.key, nil }

// TestKeySize signs a valid token with keys of several sizes: below 2048 bits the token is
// refused, whether the key comes from the issuer's JWKS or any other KeySource.
func TestKeySize(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	claims := map[string]any{"sub": "u-1", "iss": issuer, "aud": client, "token_use": "id",
		"exp": now.Add(time.Hour).Unix(), "iat": now.Add(-time.Minute).Unix()}
	hdr := map[string]any{"alg": "RS256", "kid": "CognitoLocal"}
	cases := []struct {
		bits int
		want error // nil: accepted
	}{
		{1024, jwt.ErrWeakKey},
		{1536, jwt.ErrWeakKey},
		{2047, jwt.ErrWeakKey},
		{2048, nil},
		{3072, nil},
	}
	for _, tc := range cases {
		t.Run(strconv.Itoa(tc.bits), func(t *testing.T) {
			key, err := rsa.GenerateKey(rand.Reader, tc.bits)
			if err != nil {
				t.Fatal(err)
			}
			token := sign(t, key, hdr, claims)
			sources := map[string]jwt.KeySource{
				"jwks":   &jwt.JWKS{URL: jwksServer(t, &key.PublicKey, "CognitoLocal").URL},
				"static": staticKey{&key.PublicKey},
			}
			for name, src := range sources {
				v := &jwt.Verifier{Issuer: issuer, Audience: []string{client}, Keys: src, Now: func() time.Time { return now }}
				got, err := v.Verify(context.Background(), token)
				switch {
				case tc.want == nil && (err != nil || got["sub"] != "u-1"):
					t.Errorf("%s: refused a %d-bit key: %v", name, tc.bits, err)
				case tc.want != nil && !errors.Is(err, tc.want):
					t.Errorf("%s: err %v, want %v", name, err, tc.want)
				}
			}
		})
	}
}
