package ddb

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CreateIfMissing creates the table when it does not exist (on-demand billing, with the schema's
// indexes and stream), waits until it is ACTIVE, and enables TTL on the schema's TTL attribute. It is
// idempotent: on an existing table it only waits for ACTIVE and makes sure TTL is on. It does not
// add GSIs to an existing table; CreateGSI does.
func (t *Table[T]) CreateIfMissing(ctx context.Context) error {
	_, err := t.client.CreateTable(ctx, t.createTableInput())
	var inUse *types.ResourceInUseException
	if err != nil && !errors.As(err, &inUse) {
		return t.opError("CreateTable", Key{}, err)
	}
	if err := t.waitActive(ctx, ""); err != nil {
		return err
	}
	return t.ensureTTL(ctx)
}

func (t *Table[T]) createTableInput() *dynamodb.CreateTableInput {
	d := t.schema.def
	in := &dynamodb.CreateTableInput{
		TableName:   aws.String(t.name),
		BillingMode: types.BillingModePayPerRequest,
		KeySchema:   t.keySchema(d.PartitionKey, d.SortKey),
	}
	attrs := []string{d.PartitionKey, d.SortKey}
	for _, g := range d.GSIs {
		in.GlobalSecondaryIndexes = append(in.GlobalSecondaryIndexes, t.gsiInput(g))
		attrs = append(attrs, g.PartitionKey, g.SortKey)
	}
	for _, l := range d.LSIs {
		in.LocalSecondaryIndexes = append(in.LocalSecondaryIndexes, types.LocalSecondaryIndex{
			IndexName:  aws.String(l.Name),
			KeySchema:  t.keySchema(d.PartitionKey, l.SortKey),
			Projection: &types.Projection{ProjectionType: types.ProjectionType(l.Projection)},
		})
		attrs = append(attrs, l.SortKey)
	}
	if d.Stream != "" {
		in.StreamSpecification = &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewType(d.Stream)}
	}
	in.AttributeDefinitions = t.attributeDefinitions(attrs...)
	return in
}

func (t *Table[T]) keySchema(partition, sort string) []types.KeySchemaElement {
	ks := []types.KeySchemaElement{{AttributeName: aws.String(partition), KeyType: types.KeyTypeHash}}
	if sort != "" {
		ks = append(ks, types.KeySchemaElement{AttributeName: aws.String(sort), KeyType: types.KeyTypeRange})
	}
	return ks
}

func (t *Table[T]) gsiInput(g GSI) types.GlobalSecondaryIndex {
	return types.GlobalSecondaryIndex{
		IndexName:  aws.String(g.Name),
		KeySchema:  t.keySchema(g.PartitionKey, g.SortKey),
		Projection: &types.Projection{ProjectionType: types.ProjectionType(g.Projection)},
	}
}

// attributeDefinitions lists each named key attribute once, with its type from the schema.
func (t *Table[T]) attributeDefinitions(names ...string) []types.AttributeDefinition {
	var defs []types.AttributeDefinition
	seen := map[string]bool{}
	for _, n := range names {
		if n == "" || seen[n] {
			continue
		}
		seen[n] = true
		typ, _ := t.schema.KeyType(n)
		defs = append(defs, types.AttributeDefinition{AttributeName: aws.String(n), AttributeType: typ})
	}
	return defs
}

// waitActive polls until the table (and, if index is not empty, that GSI) is ACTIVE.
func (t *Table[T]) waitActive(ctx context.Context, index string) error {
	op := "DescribeTable"
	for {
		out, err := t.client.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(t.name)})
		if err != nil {
			return t.opError(op, Key{}, err)
		}
		ready := out.Table.TableStatus == types.TableStatusActive
		if index != "" {
			ready = ready && indexStatus(out.Table, index) == types.IndexStatusActive
		}
		if ready {
			return nil
		}
		select {
		case <-ctx.Done():
			return t.opError(op, Key{}, fmt.Errorf("waiting for ACTIVE: %w", ctx.Err()))
		case <-time.After(t.waitPoll):
		}
	}
}

func indexStatus(td *types.TableDescription, index string) types.IndexStatus {
	for _, g := range td.GlobalSecondaryIndexes {
		if aws.ToString(g.IndexName) == index {
			return g.IndexStatus
		}
	}
	return ""
}

func (t *Table[T]) ensureTTL(ctx context.Context) error {
	attr := t.schema.def.TTL
	if attr == "" {
		return nil
	}
	out, err := t.client.DescribeTimeToLive(ctx, &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(t.name)})
	if err != nil {
		return t.opError("DescribeTimeToLive", Key{}, err)
	}
	if d := out.TimeToLiveDescription; d != nil && aws.ToString(d.AttributeName) == attr &&
		(d.TimeToLiveStatus == types.TimeToLiveStatusEnabled || d.TimeToLiveStatus == types.TimeToLiveStatusEnabling) {
		return nil
	}
	_, err = t.client.UpdateTimeToLive(ctx, &dynamodb.UpdateTimeToLiveInput{
		TableName:               aws.String(t.name),
		TimeToLiveSpecification: &types.TimeToLiveSpecification{AttributeName: aws.String(attr), Enabled: aws.Bool(true)},
	})
	if err != nil {
		return t.opError("UpdateTimeToLive", Key{}, err)
	}
	return nil
}
