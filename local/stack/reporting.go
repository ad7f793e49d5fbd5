package stack

import (
	"context"
	"fmt"

	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

// ReportingTokenName names the reporting token made for the stack's user.
const ReportingTokenName = "local stack"

// reportingToken makes a reporting token for user (whose record the user-signup trigger wrote at
// confirmation) through pkg/tokenstore, as POST /me/tokens does, and returns its secret.
func reportingToken(ctx context.Context, s State, user string) (string, error) {
	client := dynamodblocal.NewClient(s.DynamoDBEndpoint)
	store := tokenstore.New(ddb.NewTable(client, s.TokensTable, tables.TokenSchema), ddb.NewTable(client, s.UserTable, tables.UserSchema))
	_, secret, err := store.Create(ctx, user, ReportingTokenName)
	if err != nil {
		return "", fmt.Errorf("a reporting token for the stack's user: %w", err)
	}
	return secret.Reveal(), nil
}
