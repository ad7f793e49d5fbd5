package tokenstore

import (
	"context"

	"github.com/trainstatus/trainstatus/pkg/tables"
)

// List returns user's tokens, newest first: one Query on the by_owner index (eventually
// consistent: a token created or revoked within the last second may be missing or still there).
func (s *Store) List(ctx context.Context, user string) ([]tables.TokenItem, error) {
	var out []tables.TokenItem
	for item, err := range s.Tokens.Query(user).Index(tables.IndexByOwner).Descending().All(ctx) {
		if err != nil {
			return nil, err
		}
		out = append(out, item)
	}
	return out, nil
}
