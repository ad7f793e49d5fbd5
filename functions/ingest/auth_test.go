package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
)

// TestTokenCache: a token is read once per TTL; a revoked token is accepted until the TTL ends
// and refused from then on (the stated bound); an unknown token is remembered for at most
// deploy.NegativeCacheTTL.
func TestTokenCache(t *testing.T) {
	const ttl = 10 * time.Second
	f := newFixture(t, options{ttl: ttl})
	secret := f.token(alice)
	f.spy.Reset()
	steps := []struct {
		name    string
		advance time.Duration
		revoke  bool
		status  int
		gets    int64 // GetItem calls for this request
	}{
		{"first use: read", 0, false, 200, 1},
		{"cached", time.Second, false, 200, 0},
		{"cached, revoked meanwhile: still accepted within the TTL", time.Second, true, 200, 0},
		{"TTL over: read again, refused", ttl, false, 401, 1},
		{"refusal remembered", time.Second, false, 401, 0},
		{"negative entry over: read again", deploy.NegativeCacheTTL, false, 401, 1},
	}
	for _, s := range steps {
		f.advance(s.advance)
		if s.revoke {
			if err := f.store.Revoke(context.Background(), alice, secret.ID()); err != nil {
				t.Fatal(err)
			}
		}
		f.spy.Reset()
		resp := f.do(post(auth(secret), event("job-1")))
		if resp.StatusCode != s.status || f.calls("GetItem") != s.gets {
			t.Errorf("%s: %d with %d GetItem, want %d with %d", s.name, resp.StatusCode, f.calls("GetItem"), s.status, s.gets)
		}
	}
}

// TestNewTokenAfterRefusal: a token used before it existed works once the negative entry ends.
func TestNegativeEntryEnds(t *testing.T) {
	f := newFixture(t, options{ttl: time.Minute})
	secret, _ := token.Generate()
	if resp := f.do(post(auth(secret), event("job-1"))); resp.StatusCode != 401 {
		t.Fatal(resp.StatusCode)
	}
	hash := secret.Hash()
	item := tables.TokenItem{TokenID: secret.ID(), Hash: hash, UserID: alice, Name: "late", Prefix: secret.DisplayPrefix(), CreatedAt: job.FormatTime(t0)}
	if err := f.store.Tokens.Create(item).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if resp := f.do(post(auth(secret), event("job-1"))); resp.StatusCode != 401 {
		t.Errorf("within the negative entry: %d", resp.StatusCode)
	}
	f.advance(deploy.NegativeCacheTTL)
	if resp := f.do(post(auth(secret), event("job-1"))); resp.StatusCode != 200 {
		t.Errorf("after the negative entry: %d", resp.StatusCode)
	}
}

// TestNoCache: TTL 0 reads the token at every request.
func TestNoCache(t *testing.T) {
	f := newFixture(t, options{ttl: 0})
	secret := f.token(alice)
	f.spy.Reset()
	for range 3 {
		f.do(post(auth(secret), event("job-1")))
	}
	if n := f.calls("GetItem"); n != 3 {
		t.Errorf("%d GetItem for 3 requests without a cache", n)
	}
}

// TestLastUsed: last_used_at is written at the first use and then at most once an hour, never
// per request.
func TestLastUsed(t *testing.T) {
	f := newFixture(t, options{ttl: 30 * time.Second})
	secret := f.token(alice)
	lastUsed := func() string {
		it, err := f.store.Lookup(context.Background(), secret)
		if err != nil {
			t.Fatal(err)
		}
		return it.LastUsedAt
	}
	f.spy.Reset()
	var touches int64
	for i := range 120 { // two hours of a request a minute
		f.do(post(auth(secret), event("job-1")))
		if i == 0 && lastUsed() != job.FormatTime(t0) {
			t.Fatalf("after the first use: %q", lastUsed())
		}
		f.advance(time.Minute)
	}
	touches = f.calls("UpdateItem") - 120 // one UpdateItem per request is the rate window's
	if touches < 2 || touches > 3 {
		t.Errorf("%d last_used_at writes in two hours of use, want 2 or 3", touches)
	}
	if got := lastUsed(); got < job.FormatTime(t0.Add(time.Hour)) {
		t.Errorf("last used %s", got)
	}
}

func TestBearer(t *testing.T) {
	s, _ := token.Generate()
	for h, ok := range map[string]bool{
		"Bearer " + s.Reveal(): true, "bearer " + s.Reveal(): true, "BEARER  " + s.Reveal() + " ": true,
		s.Reveal(): false, "Bearer": false, "Bearer " + strings.ToUpper(s.Reveal()): false, "Token " + s.Reveal(): false, "": false,
	} {
		if _, got := bearer(h); got != ok {
			t.Errorf("bearer(%q) = %v", h, got)
		}
	}
}
