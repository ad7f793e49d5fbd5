package tokenstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/retry"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
)

// idAttempts bounds the new secrets tried when a token id is taken (a 2^-64 chance each).
const idAttempts = 3

// conflictRetry retries a creation that met another transaction on the same user record (the
// same user creating or revoking tokens at the same moment): DynamoDB cancels one of them with
// TransactionConflict, which a short wait resolves.
var conflictRetry = retry.Policy{Attempts: 5, Base: 20 * time.Millisecond, Max: 200 * time.Millisecond}

// Create makes a token named name for user and returns it with its secret, which is shown once
// and never stored. Errors: token.ErrInvalidName, ErrTooMany, ErrNoUser, or the store's.
func (s *Store) Create(ctx context.Context, user, name string) (tables.TokenItem, token.Secret, error) {
	if err := token.CheckName(name); err != nil {
		return tables.TokenItem{}, "", err
	}
	conflicts := 0
	for attempt := 0; attempt < idAttempts; attempt++ {
		secret, err := token.New(s.Rand)
		if err != nil {
			return tables.TokenItem{}, "", err
		}
		hash := secret.Hash()
		item := tables.TokenItem{
			TokenID: token.IDOf(hash), Hash: hash, UserID: user, Name: name,
			Prefix: secret.DisplayPrefix(), CreatedAt: job.FormatTime(s.Now()),
		}
		count := expression.Name(tables.AttrTokenCount)
		below := expression.Or(expression.AttributeNotExists(count), count.LessThan(expression.Value(token.MaxPerUser)))
		err = ddb.Transact(ctx,
			s.Users.Update(userKey(user)).Add(tables.AttrTokenCount, 1).If(below).Tx(),
			s.Tokens.Create(item).Tx())
		var tx *ddb.TxError
		switch {
		case err == nil:
			return item, secret, nil
		case !errors.As(err, &tx):
			return tables.TokenItem{}, "", err
		case errors.Is(tx.Reasons[0], ddb.ErrNotFound):
			return tables.TokenItem{}, "", ErrNoUser
		case errors.Is(tx.Reasons[0], ddb.ErrConditionFailed):
			return tables.TokenItem{}, "", ErrTooMany
		case errors.Is(tx.Reasons[1], ddb.ErrAlreadyExists):
			continue // the id is taken: another secret
		case ddb.IsRetryable(err) && conflicts+1 < conflictRetry.MaxAttempts():
			conflicts++
			attempt--
			if werr := conflictRetry.Wait(ctx, conflicts); werr != nil {
				return tables.TokenItem{}, "", err
			}
		default:
			return tables.TokenItem{}, "", err
		}
	}
	return tables.TokenItem{}, "", fmt.Errorf("tokenstore: %d new token ids were all taken", idAttempts)
}
