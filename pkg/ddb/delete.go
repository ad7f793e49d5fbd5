package ddb

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Delete is a DeleteItem request being built. Send it with Old (returns the deleted item) or Run.
// A missing item is ErrNotFound.
type Delete[T any] struct {
	table *Table[T]
	key   Key
	cond  *expression.ConditionBuilder
}

// Delete starts a DeleteItem request for key.
func (t *Table[T]) Delete(key Key) *Delete[T] { return &Delete[T]{table: t, key: key} }

// If adds a condition that must hold for the delete to happen.
func (d *Delete[T]) If(cond expression.ConditionBuilder) *Delete[T] {
	d.cond = and(d.cond, cond)
	return d
}

// Old sends the request and returns the item as it was before it was deleted.
func (d *Delete[T]) Old(ctx context.Context) (T, error) {
	var item T
	in, err := d.input()
	if err != nil {
		return item, d.table.opError("DeleteItem", d.key, err)
	}
	out, err := d.table.client.DeleteItem(ctx, in)
	if err != nil {
		err = conditionError[T](err, false)
		if cf, ok := err.(*ConditionFailedError[T]); ok && !cf.Exists {
			err = ErrNotFound
		}
		return item, d.table.opError("DeleteItem", d.key, err)
	}
	if err := attributevalue.UnmarshalMap(out.Attributes, &item); err != nil {
		return item, d.table.opError("DeleteItem", d.key, err)
	}
	return item, nil
}

// Run sends the request.
func (d *Delete[T]) Run(ctx context.Context) error {
	_, err := d.Old(ctx)
	return err
}

func (d *Delete[T]) input() (*dynamodb.DeleteItemInput, error) {
	key, err := d.table.schema.marshalKey(d.key)
	if err != nil {
		return nil, err
	}
	// The existence condition is what turns a missing item into ErrNotFound rather than a no-op.
	cond := and(d.cond, expression.AttributeExists(expression.Name(d.table.schema.def.PartitionKey)))
	expr, err := expression.NewBuilder().WithCondition(*cond).Build()
	if err != nil {
		return nil, err
	}
	return &dynamodb.DeleteItemInput{
		TableName:                           aws.String(d.table.name),
		Key:                                 key,
		ConditionExpression:                 expr.Condition(),
		ExpressionAttributeNames:            expr.Names(),
		ExpressionAttributeValues:           expr.Values(),
		ReturnValues:                        types.ReturnValueAllOld,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	}, nil
}
