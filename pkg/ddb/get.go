package ddb

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Get is a GetItem request being built. Send it with One.
type Get[T any] struct {
	table      *Table[T]
	key        Key
	consistent bool
	projection []string
}

// Get starts a GetItem request for key.
func (t *Table[T]) Get(key Key) *Get[T] { return &Get[T]{table: t, key: key} }

// Consistent asks for a strongly consistent read.
func (g *Get[T]) Consistent() *Get[T] { g.consistent = true; return g }

// Project reads only the named attributes; the others keep their zero values in the result.
func (g *Get[T]) Project(attributes ...string) *Get[T] {
	g.projection = append(g.projection, attributes...)
	return g
}

// One sends the request and returns the item, or an error wrapping ErrNotFound.
func (g *Get[T]) One(ctx context.Context) (T, error) {
	var item T
	in, err := g.input()
	if err != nil {
		return item, g.table.opError("GetItem", g.key, err)
	}
	out, err := g.table.client.GetItem(ctx, in)
	if err != nil {
		return item, g.table.opError("GetItem", g.key, err)
	}
	if out.Item == nil {
		return item, g.table.opError("GetItem", g.key, ErrNotFound)
	}
	if err := attributevalue.UnmarshalMap(out.Item, &item); err != nil {
		return item, g.table.opError("GetItem", g.key, err)
	}
	return item, nil
}

func (g *Get[T]) input() (*dynamodb.GetItemInput, error) {
	key, err := g.table.schema.marshalKey(g.key)
	if err != nil {
		return nil, err
	}
	in := &dynamodb.GetItemInput{TableName: aws.String(g.table.name), Key: key}
	if g.consistent {
		in.ConsistentRead = aws.Bool(true)
	}
	if len(g.projection) > 0 {
		expr, err := expression.NewBuilder().WithProjection(projection(g.projection)).Build()
		if err != nil {
			return nil, err
		}
		in.ProjectionExpression = expr.Projection()
		in.ExpressionAttributeNames = expr.Names()
	}
	return in, nil
}

func projection(names []string) expression.ProjectionBuilder {
	p := expression.NamesList(expression.Name(names[0]))
	for _, n := range names[1:] {
		p = p.AddNames(expression.Name(n))
	}
	return p
}
