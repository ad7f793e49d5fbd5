package ddb

import (
	"context"
	"fmt"
	"iter"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Query is a Query request being built: the items of one partition of the table or of a GSI,
// optionally narrowed by a sort key condition and a filter. Read it with All (every item, across
// pages) or Page (one page and a cursor for the next).
type Query[T any] struct {
	table      *Table[T]
	partition  any
	index      string
	sortCond   *expression.KeyConditionBuilder
	filter     *expression.ConditionBuilder
	descending bool
	limit      int32
	consistent bool
	err        error
}

// Query starts a query of the items whose partition key (of the table, or of the index chosen
// with Index) equals partition.
func (t *Table[T]) Query(partition any) *Query[T] { return &Query[T]{table: t, partition: partition} }

// Index queries the named index (GSI or LSI) of the schema instead of the table.
func (q *Query[T]) Index(name string) *Query[T] {
	if _, _, _, ok := q.table.schema.indexKeys(name); (!ok || name == "") && q.err == nil {
		q.err = fmt.Errorf("%w: no index %q in the schema", ErrInvalidRequest, name)
	}
	q.index = name
	return q
}

// Range narrows the query with a condition on the sort key, built with expression.Key, for
// example expression.Key("updated_at").GreaterThan(expression.Value(t)).
func (q *Query[T]) Range(cond expression.KeyConditionBuilder) *Query[T] { q.sortCond = &cond; return q }

// Filter drops items that do not match cond, after they are read (they still cost capacity).
func (q *Query[T]) Filter(cond expression.ConditionBuilder) *Query[T] {
	q.filter = and(q.filter, cond)
	return q
}

// Descending returns items in descending sort key order (newest first for time keys).
func (q *Query[T]) Descending() *Query[T] { q.descending = true; return q }

// Limit caps the number of items: in All, the total; in Page, the items DynamoDB reads for the
// page (with a filter, a page can hold fewer).
func (q *Query[T]) Limit(n int) *Query[T] { q.limit = int32(n); return q }

// Consistent asks for strongly consistent reads (the table and its LSIs; a GSI cannot give them,
// and a consistent query of one is ErrInvalidRequest).
func (q *Query[T]) Consistent() *Query[T] { q.consistent = true; return q }

// Page is one page of a query: its items and the cursor of the next page ("" when it is the last).
type Page[T any] struct {
	Items []T
	Next  string
}

// All returns every matching item, reading page after page as the loop asks for more. An error
// ends the sequence.
func (q *Query[T]) All(ctx context.Context) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		var zero T
		in, err := q.input()
		if err != nil {
			yield(zero, q.table.opError("Query", Key{}, err))
			return
		}
		remaining := q.limit
		for {
			if remaining > 0 && q.filter == nil {
				in.Limit = aws.Int32(remaining)
			}
			out, err := q.table.client.Query(ctx, in)
			if err != nil {
				yield(zero, q.table.opError("Query", Key{}, err))
				return
			}
			for _, av := range out.Items {
				var item T
				if err := attributevalue.UnmarshalMap(av, &item); err != nil {
					yield(zero, q.table.opError("Query", Key{}, err))
					return
				}
				if !yield(item, nil) {
					return
				}
				if remaining > 0 {
					if remaining--; remaining == 0 {
						return
					}
				}
			}
			if len(out.LastEvaluatedKey) == 0 {
				return
			}
			in.ExclusiveStartKey = out.LastEvaluatedKey
		}
	}
}

// Page reads one page, starting where cursor (from a previous Page; "" for the first) left off.
// It makes exactly one Query call. The table needs a CursorCodec (WithCursorCodec); a cursor that
// is not one this query made is ErrInvalidCursor.
func (q *Query[T]) Page(ctx context.Context, cursor string) (Page[T], error) {
	var page Page[T]
	in, err := q.input()
	if err != nil {
		return page, q.table.opError("Query", Key{}, err)
	}
	codec := q.table.cursor
	if codec == nil {
		return page, q.table.opError("Query", Key{}, fmt.Errorf("%w: table has no cursor codec (WithCursorCodec)", ErrInvalidRequest))
	}
	if q.limit > 0 {
		in.Limit = aws.Int32(q.limit)
	}
	scope := q.scope()
	if cursor != "" {
		if in.ExclusiveStartKey, err = codec.decode(cursor, scope, q.cursorKeyType); err != nil {
			return page, q.table.opError("Query", Key{}, err)
		}
	}
	out, err := q.table.client.Query(ctx, in)
	if err != nil {
		return page, q.table.opError("Query", Key{}, err)
	}
	page.Items = make([]T, 0, len(out.Items))
	if err := attributevalue.UnmarshalListOfMaps(out.Items, &page.Items); err != nil {
		return page, q.table.opError("Query", Key{}, err)
	}
	if len(out.LastEvaluatedKey) > 0 {
		if page.Next, err = codec.encode(out.LastEvaluatedKey, scope); err != nil {
			return page, q.table.opError("Query", Key{}, err)
		}
	}
	return page, nil
}

// scope binds a cursor to this query's table, index, partition and order.
func (q *Query[T]) scope() string {
	return fmt.Sprintf("%s\x00%s\x00%v\x00%t", q.table.name, q.index, q.partition, q.descending)
}

// cursorKeyType allows only the attributes a LastEvaluatedKey of this query can hold.
func (q *Query[T]) cursorKeyType(name string) (AttributeType, bool) {
	d := q.table.schema.def
	allowed := name == d.PartitionKey || (d.SortKey != "" && name == d.SortKey)
	if q.index != "" {
		pk, sk, _, _ := q.table.schema.indexKeys(q.index)
		allowed = allowed || name == pk || (sk != "" && name == sk)
	}
	if !allowed {
		return "", false
	}
	return q.table.schema.KeyType(name)
}

func (q *Query[T]) input() (*dynamodb.QueryInput, error) {
	if q.err != nil {
		return nil, q.err
	}
	if q.partition == nil {
		return nil, fmt.Errorf("%w: query has no partition value", ErrInvalidItem)
	}
	pk, _, global, _ := q.table.schema.indexKeys(q.index)
	if global && q.consistent {
		return nil, fmt.Errorf("%w: a GSI (%s) cannot be read consistently", ErrInvalidRequest, q.index)
	}
	keyCond := expression.Key(pk).Equal(expression.Value(q.partition))
	if q.sortCond != nil {
		keyCond = keyCond.And(*q.sortCond)
	}
	b := expression.NewBuilder().WithKeyCondition(keyCond)
	if q.filter != nil {
		b = b.WithFilter(*q.filter)
	}
	expr, err := b.Build()
	if err != nil {
		return nil, err
	}
	in := &dynamodb.QueryInput{
		TableName:                 aws.String(q.table.name),
		KeyConditionExpression:    expr.KeyCondition(),
		FilterExpression:          expr.Filter(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		ScanIndexForward:          aws.Bool(!q.descending),
	}
	if q.index != "" {
		in.IndexName = aws.String(q.index)
	}
	if q.consistent {
		in.ConsistentRead = aws.Bool(true)
	}
	return in, nil
}
