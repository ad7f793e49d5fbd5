package tokenstore

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
)

// Revoke deletes user's token id and gives its slot back, in one transaction. Another user's
// token and a missing one are both ErrNotFound. The ingest function may still accept the token
// for up to its cache's TTL (TOKEN_CACHE_TTL).
func (s *Store) Revoke(ctx context.Context, user, id string) error {
	if !token.ValidID(id) {
		return ErrNotFound
	}
	owned := expression.Name(tables.AttrUserID).Equal(expression.Value(user))
	err := ddb.Transact(ctx,
		s.Tokens.Delete(tables.TokenKey(id)).If(owned).Tx(),
		s.Users.Update(userKey(user)).Add(tables.AttrTokenCount, -1).Tx())
	var tx *ddb.TxError
	switch {
	case err == nil:
		return nil
	case !errors.As(err, &tx):
		return err
	case tx.Reasons[0] != nil:
		return ErrNotFound // missing, or another user's
	case errors.Is(tx.Reasons[1], ddb.ErrNotFound):
		// The owner's record is gone (it is never deleted today): revoke the token anyway, since
		// a token that cannot be revoked is worse than a count with nothing to count.
		err := s.Tokens.Delete(tables.TokenKey(id)).If(owned).Run(ctx)
		if errors.Is(err, ddb.ErrNotFound) || errors.Is(err, ddb.ErrConditionFailed) {
			return ErrNotFound
		}
		return err
	}
	return err
}
