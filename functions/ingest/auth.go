package main

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

// TokenStore is what the function needs of pkg/tokenstore.
type TokenStore interface {
	Lookup(ctx context.Context, secret token.Secret) (tables.TokenItem, error)
	Touch(ctx context.Context, id string, now time.Time) error
}

// errUnknownToken: the header holds no token, or one that is unknown or revoked.
var errUnknownToken = errors.New("ingest: missing, unknown or revoked token")

// maxCached bounds the cache: a client spraying random secrets fills it with negative entries,
// and then it is emptied rather than grown (the cost is one GetItem per live token afterwards).
const maxCached = 4096

// Authenticator turns a request's Authorization header into the token's owner. It remembers each
// answer for ttl (a missing token for at most deploy.NegativeCacheTTL), keyed by the secret's
// hash, so a token used every few seconds costs one GetItem per ttl per instance; and a revoked
// token is refused at most ttl after its revocation. Safe for concurrent use.
type Authenticator struct {
	store TokenStore
	ttl   time.Duration
	now   func() time.Time

	mu      sync.Mutex
	entries map[string]cached
}

type cached struct {
	item    tables.TokenItem
	found   bool
	expires time.Time
}

// NewAuthenticator returns an Authenticator over store; ttl 0 looks every token up.
func NewAuthenticator(store TokenStore, ttl time.Duration, now func() time.Time) *Authenticator {
	return &Authenticator{store: store, ttl: ttl, now: now, entries: map[string]cached{}}
}

// bearer reads the secret of "Authorization: Bearer tsk_..." (scheme in any case).
func bearer(header string) (token.Secret, bool) {
	scheme, value, ok := strings.Cut(strings.TrimSpace(header), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	s, err := token.Parse(strings.TrimSpace(value))
	return s, err == nil
}

// Authenticate returns the token of the header, and whether the store was read. Errors:
// errUnknownToken, or the store's (then the request is a 5xx, not a 401).
func (a *Authenticator) Authenticate(ctx context.Context, header string) (item tables.TokenItem, lookedUp bool, err error) {
	secret, ok := bearer(header)
	if !ok {
		return tables.TokenItem{}, false, errUnknownToken
	}
	hash := secret.Hash()
	now := a.now()
	if c, ok := a.get(hash, now); ok {
		if !c.found {
			return tables.TokenItem{}, false, errUnknownToken
		}
		return c.item, false, nil
	}
	item, err = a.store.Lookup(ctx, secret)
	switch {
	case errors.Is(err, tokenstore.ErrNotFound):
		a.put(hash, cached{expires: now.Add(min(a.ttl, deploy.NegativeCacheTTL))})
		return tables.TokenItem{}, true, errUnknownToken
	case err != nil:
		return tables.TokenItem{}, true, err
	}
	a.put(hash, cached{item: item, found: true, expires: now.Add(a.ttl)})
	return item, true, nil
}

// Used notes a use of item at now: when its last_used_at is over an hour old it is written
// (tokenstore.Touch, one conditional UpdateItem) and the cached copy updated, so the next uses
// write nothing. It reports whether it wrote.
func (a *Authenticator) Used(ctx context.Context, item tables.TokenItem, now time.Time) (bool, error) {
	if !tokenstore.NeedsTouch(item.LastUsedAt, now) {
		return false, nil
	}
	err := a.store.Touch(ctx, item.TokenID, now)
	a.mu.Lock()
	defer a.mu.Unlock()
	for hash, c := range a.entries {
		if c.found && c.item.TokenID == item.TokenID {
			c.item.LastUsedAt = item.LastUsedAt
			if err == nil {
				c.item.LastUsedAt = job.FormatTime(now)
			}
			a.entries[hash] = c
		}
	}
	return true, err
}

func (a *Authenticator) get(hash string, now time.Time) (cached, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	c, ok := a.entries[hash]
	if !ok || !now.Before(c.expires) {
		return cached{}, false
	}
	return c, true
}

func (a *Authenticator) put(hash string, c cached) {
	if a.ttl <= 0 {
		return
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if len(a.entries) >= maxCached {
		now := a.now()
		for h, e := range a.entries {
			if !now.Before(e.expires) {
				delete(a.entries, h)
			}
		}
		if len(a.entries) >= maxCached {
			clear(a.entries)
		}
	}
	a.entries[hash] = c
}
