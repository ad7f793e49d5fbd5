package ddb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CreateGSI adds the schema's index name to an existing table and waits until it is ACTIVE
// (DynamoDB backfills it from the items already there). It is idempotent: an index that exists is
// only waited for.
func (t *Table[T]) CreateGSI(ctx context.Context, name string) error {
	g, ok := t.schema.GSI(name)
	if !ok {
		return t.opError("UpdateTable", Key{}, fmt.Errorf("%w: no index %q in the schema", ErrInvalidSchema, name))
	}
	out, err := t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.name)})
	if err != nil {
		return t.opError("DescribeTable", Key{}, err)
	}
	if indexStatus(out.Table, name) == "" {
		gsi := t.gsiInput(g)
		_, err = t.client.UpdateTable(ctx, &dynamodb.UpdateTableInput{
			TableName:            aws.String(t.name),
			AttributeDefinitions: t.attributeDefinitions(g.PartitionKey, g.SortKey),
			GlobalSecondaryIndexUpdates: []types.GlobalSecondaryIndexUpdate{{Create: &types.CreateGlobalSecondaryIndexAction{
				IndexName: gsi.IndexName, KeySchema: gsi.KeySchema, Projection: gsi.Projection,
			}}},
		})
		if err != nil {
			return t.opError("UpdateTable", Key{}, err)
		}
	}
	return t.waitActive(ctx, name)
}
