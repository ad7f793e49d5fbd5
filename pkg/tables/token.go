package tables

import "github.com/trainstatus/trainstatus/pkg/ddb"

// IndexByOwner is the tokens table's GSI: one user's tokens, newest first by created_at. It is
// how GET /me/tokens lists them in one Query; being global it is eventually consistent (a token
// created or revoked a moment ago may be missing from, or still in, the list for a fraction of a
// second; the answers to POST and DELETE say what happened).
const IndexByOwner = "by_owner"

// Attribute names of the tokens table (user_id and name are the status table's names too).
const (
	AttrTokenID    = "token_id"
	AttrTokenHash  = "token_hash"
	AttrPrefix     = "prefix"
	AttrCreatedAt  = "created_at"
	AttrLastUsedAt = "last_used_at"
	// AttrTokenCount is on the user record: how many tokens the user holds. Creating and
	// revoking a token change it in the same transaction as the token, under a condition, so a
	// user never holds more than token.MaxPerUser, whatever the concurrency.
	AttrTokenCount = "token_count"
)

// TokenItem is one reporting token, keyed by its public id (the first 16 hex characters of the
// secret's SHA-256): the ingest function finds it with one GetItem from the secret it is shown,
// then compares the full stored hash. The secret itself is never stored. Times are job.TimeLayout
// strings.
type TokenItem struct {
	TokenID string `dynamodbav:"token_id"`
	// Hash is the hex SHA-256 of the secret.
	Hash   string `dynamodbav:"token_hash"`
	UserID string `dynamodbav:"user_id"`
	Name   string `dynamodbav:"name"`
	// Prefix is the secret's first 8 characters, to recognise it in a list.
	Prefix    string `dynamodbav:"prefix"`
	CreatedAt string `dynamodbav:"created_at"`
	// LastUsedAt is written at most about once an hour (see pkg/tokenstore's Touch).
	LastUsedAt string `dynamodbav:"last_used_at,omitempty"`
}

// TokenKey is the tokens table key of a token id.
func TokenKey(id string) ddb.Key { return ddb.Key{Partition: id} }

// TokenSchema is the tokens table's definition.
var TokenSchema = ddb.MustSchema[TokenItem](ddb.Definition{
	PartitionKey: AttrTokenID,
	GSIs: []ddb.GSI{
		{Name: IndexByOwner, PartitionKey: AttrUserID, SortKey: AttrCreatedAt, Projection: ddb.ProjectAll},
	},
})
