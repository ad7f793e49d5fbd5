package tokenstore

import (
	"crypto/rand"
	"errors"
	"io"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Errors of the store, for errors.Is.
var (
	// ErrNotFound: no such token, or not the caller's (the same answer for both).
	ErrNotFound = errors.New("tokenstore: no such token")
	// ErrTooMany: the user already holds token.MaxPerUser tokens.
	ErrTooMany = errors.New("tokenstore: too many tokens")
	// ErrNoUser: the caller has no user record (user-signup writes it at confirmation, and again
	// at the next sign-in should that write have failed).
	ErrNoUser = errors.New("tokenstore: no user record")
)

// TouchInterval is how stale last_used_at may be before a use writes it again.
const TouchInterval = time.Hour

// Store is the tokens table and the user table (whose records count each user's tokens). It is
// safe for concurrent use.
type Store struct {
	Tokens *ddb.Table[tables.TokenItem]
	Users  *ddb.Table[tables.UserItem]
	// Now is the clock; Rand the source of secrets (crypto/rand.Reader).
	Now  func() time.Time
	Rand io.Reader
}

// New returns a Store over the two tables, on the real clock and crypto/rand.
func New(tokens *ddb.Table[tables.TokenItem], users *ddb.Table[tables.UserItem]) *Store {
	return &Store{Tokens: tokens, Users: users, Now: time.Now, Rand: rand.Reader}
}

func userKey(user string) ddb.Key { return ddb.Key{Partition: user} }
