package ddb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Update is a partial UpdateItem request being built: SET, SET if_not_exists, REMOVE and ADD of
// named attributes, with an optional condition. Send it with Value (returns the updated item) or
// Run.
//
// By default the item must exist (ErrNotFound otherwise); Upsert creates it instead. Key
// attributes cannot be changed, attributes must be fields of T, and enum values are checked: any
// such mistake is an ErrInvalidItem error before a call is made.
type Update[T any] struct {
	table   *Table[T]
	key     Key
	changes expression.UpdateBuilder
	changed bool
	cond    *expression.ConditionBuilder
	upsert  bool
	err     error
}

// Update starts an UpdateItem request for key.
func (t *Table[T]) Update(key Key) *Update[T] { return &Update[T]{table: t, key: key} }

// Set sets attribute name to value.
func (u *Update[T]) Set(name string, value any) *Update[T] {
	if u.check(name, value) {
		u.changes, u.changed = u.changes.Set(expression.Name(name), expression.Value(value)), true
	}
	return u
}

// SetIfNotExists sets attribute name to value only when the item has no such attribute yet.
func (u *Update[T]) SetIfNotExists(name string, value any) *Update[T] {
	if u.check(name, value) {
		n := expression.Name(name)
		u.changes, u.changed = u.changes.Set(n, n.IfNotExists(expression.Value(value))), true
	}
	return u
}

// SetExpr sets attribute name to an operand built with the expression package (arithmetic,
// list_append, another attribute...). Enum values cannot be checked here.
func (u *Update[T]) SetExpr(name string, operand expression.OperandBuilder) *Update[T] {
	if u.check(name, nil) {
		u.changes, u.changed = u.changes.Set(expression.Name(name), operand), true
	}
	return u
}

// Remove deletes attribute name from the item.
func (u *Update[T]) Remove(name string) *Update[T] {
	if u.check(name, nil) {
		u.changes, u.changed = u.changes.Remove(expression.Name(name)), true
	}
	return u
}

// Add adds value to a number attribute (starting from 0) or its elements to a set attribute.
func (u *Update[T]) Add(name string, value any) *Update[T] {
	if u.check(name, value) {
		u.changes, u.changed = u.changes.Add(expression.Name(name), expression.Value(value)), true
	}
	return u
}

// If adds a condition that must hold for the update to happen; several are joined with AND.
func (u *Update[T]) If(cond expression.ConditionBuilder) *Update[T] {
	u.cond = and(u.cond, cond)
	return u
}

// Upsert creates the item when it does not exist, instead of failing with ErrNotFound.
func (u *Update[T]) Upsert() *Update[T] { u.upsert = true; return u }

// Value sends the request and returns the item as it is after the update.
func (u *Update[T]) Value(ctx context.Context) (T, error) {
	var item T
	out, err := u.send(ctx, types.ReturnValueAllNew)
	if err != nil {
		return item, err
	}
	if err := attributevalue.UnmarshalMap(out.Attributes, &item); err != nil {
		return item, u.table.opError("UpdateItem", u.key, err)
	}
	return item, nil
}

// OldValue sends the request and returns the item as it was before the update, and whether
// there was one (an Upsert that created the item returns false).
func (u *Update[T]) OldValue(ctx context.Context) (T, bool, error) {
	var item T
	out, err := u.send(ctx, types.ReturnValueAllOld)
	if err != nil || len(out.Attributes) == 0 {
		return item, false, err
	}
	if err := attributevalue.UnmarshalMap(out.Attributes, &item); err != nil {
		return item, true, u.table.opError("UpdateItem", u.key, err)
	}
	return item, true, nil
}

// Run sends the request without reading back the item.
func (u *Update[T]) Run(ctx context.Context) error {
	_, err := u.send(ctx, types.ReturnValueNone)
	return err
}

func (u *Update[T]) send(ctx context.Context, rv types.ReturnValue) (*dynamodb.UpdateItemOutput, error) {
	in, err := u.input(rv)
	if err != nil {
		return nil, u.table.opError("UpdateItem", u.key, err)
	}
	out, err := u.table.client.UpdateItem(ctx, in)
	if err != nil {
		err = conditionError[T](err, false)
		if cf, ok := err.(*ConditionFailedError[T]); ok && !cf.Exists && !u.upsert {
			err = ErrNotFound
		}
		return nil, u.table.opError("UpdateItem", u.key, err)
	}
	return out, nil
}

// input builds the UpdateItemInput without sending it.
func (u *Update[T]) input(rv types.ReturnValue) (*dynamodb.UpdateItemInput, error) {
	if u.err != nil {
		return nil, u.err
	}
	if !u.changed {
		return nil, fmt.Errorf("%w: update changes nothing", ErrInvalidRequest)
	}
	key, err := u.table.schema.marshalKey(u.key)
	if err != nil {
		return nil, err
	}
	cond := u.cond
	if !u.upsert {
		cond = and(cond, expression.AttributeExists(expression.Name(u.table.schema.def.PartitionKey)))
	}
	b := expression.NewBuilder().WithUpdate(u.changes)
	if cond != nil {
		b = b.WithCondition(*cond)
	}
	expr, err := b.Build()
	if err != nil {
		return nil, err
	}
	in := &dynamodb.UpdateItemInput{
		TableName:                 aws.String(u.table.name),
		Key:                       key,
		UpdateExpression:          expr.Update(),
		ConditionExpression:       expr.Condition(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ReturnValues:              rv,
	}
	if cond != nil {
		in.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	return in, nil
}

// check records the first mistake in the update; it reports whether the change may be added.
func (u *Update[T]) check(name string, value any) bool {
	if u.err != nil {
		return false
	}
	s := u.table.schema
	switch {
	case s.isKey(name):
		u.err = fmt.Errorf("%w: cannot update key attribute %q", ErrInvalidItem, name)
	case !s.HasAttribute(name):
		u.err = fmt.Errorf("%w: %q is not an attribute of the item", ErrInvalidItem, name)
	case value != nil:
		u.err = s.checkValue(name, value)
	}
	return u.err == nil
}
