package ddb

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Put is a PutItem request being built: an upsert, unless a condition is added. Send it with Run.
type Put[T any] struct {
	table     *Table[T]
	item      T
	cond      *expression.ConditionBuilder
	mustBeNew bool
}

// Put starts a PutItem request that writes item whole, replacing any item with the same key.
func (t *Table[T]) Put(item T) *Put[T] { return &Put[T]{table: t, item: item} }

// Create starts a PutItem request that fails with ErrAlreadyExists when an item with the same key
// exists. The error carries the existing item (see [CurrentItem]).
func (t *Table[T]) Create(item T) *Put[T] {
	return &Put[T]{table: t, item: item, mustBeNew: true}
}

// If adds a condition that must hold for the write to happen; if it does not, Run returns a
// [*ConditionFailedError] (ErrConditionFailed) with the current item.
func (p *Put[T]) If(cond expression.ConditionBuilder) *Put[T] {
	p.cond = and(p.cond, cond)
	return p
}

// Run sends the request.
func (p *Put[T]) Run(ctx context.Context) error {
	key, in, err := p.input()
	if err != nil {
		return p.table.opError("PutItem", key, err)
	}
	_, err = p.table.client.PutItem(ctx, in)
	if err != nil {
		err = conditionError[T](err, p.mustBeNew && p.cond == nil)
		return p.table.opError("PutItem", key, err)
	}
	return nil
}

func (p *Put[T]) input() (Key, *dynamodb.PutItemInput, error) {
	s := p.table.schema
	av, err := attributevalue.MarshalMap(p.item)
	if err != nil {
		return Key{}, nil, err
	}
	key, err := s.keyFromAttributes(av)
	if err != nil {
		return Key{}, nil, err
	}
	if err := s.checkEnums(&p.item); err != nil {
		return key, nil, err
	}
	in := &dynamodb.PutItemInput{TableName: aws.String(p.table.name), Item: av}
	cond := p.cond
	if p.mustBeNew {
		cond = and(cond, expression.AttributeNotExists(expression.Name(s.def.PartitionKey)))
	}
	if cond != nil {
		expr, err := expression.NewBuilder().WithCondition(*cond).Build()
		if err != nil {
			return key, nil, err
		}
		in.ConditionExpression = expr.Condition()
		in.ExpressionAttributeNames = expr.Names()
		in.ExpressionAttributeValues = expr.Values()
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	return key, in, nil
}

// and joins conditions, treating nil as "no condition".
func and(a *expression.ConditionBuilder, b expression.ConditionBuilder) *expression.ConditionBuilder {
	if a == nil {
		return &b
	}
	c := expression.And(*a, b)
	return &c
}
