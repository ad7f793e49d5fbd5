package stack

import (
	"context"

	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// createTables creates the tables from their pkg/tables definitions.
func createTables(ctx context.Context, endpoint string, c Config) error {
	client := dynamodblocal.NewClient(endpoint)
	if err := ddb.NewTable(client, c.StatusTable, tables.StatusSchema).CreateIfMissing(ctx); err != nil {
		return err
	}
	if err := ddb.NewTable(client, c.UserTable, tables.UserSchema).CreateIfMissing(ctx); err != nil {
		return err
	}
	if err := ddb.NewTable(client, c.TokensTable, tables.TokenSchema).CreateIfMissing(ctx); err != nil {
		return err
	}
	return ddb.NewTable(client, c.RateLimitTable, tables.RateWindowSchema).CreateIfMissing(ctx)
}
