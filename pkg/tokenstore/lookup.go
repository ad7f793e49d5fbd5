package tokenstore

import (
	"context"
	"errors"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
)

// Lookup finds the token of secret with one strongly consistent GetItem (so a token works the
// moment its creation is answered), then compares the stored hash with the secret's in constant
// time. A missing token and one whose hash differs are both ErrNotFound.
func (s *Store) Lookup(ctx context.Context, secret token.Secret) (tables.TokenItem, error) {
	hash := secret.Hash()
	item, err := s.Tokens.Get(tables.TokenKey(token.IDOf(hash))).Consistent().One(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return tables.TokenItem{}, ErrNotFound
	case err != nil:
		return tables.TokenItem{}, err
	case !token.SameHash(item.Hash, hash):
		return tables.TokenItem{}, ErrNotFound
	}
	return item, nil
}
