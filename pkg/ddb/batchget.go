package ddb

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxBatchGet is DynamoDB's limit of keys per BatchGetItem call.
const maxBatchGet = 100

// BatchGet reads many items by key, 100 keys per call, retrying unprocessed keys with backoff.
type BatchGet[T any] struct {
	table      *Table[T]
	keys       []Key
	consistent bool
}

// BatchGet starts a batch read of keys. Duplicate keys are read once.
func (t *Table[T]) BatchGet(keys ...Key) *BatchGet[T] { return &BatchGet[T]{table: t, keys: keys} }

// Consistent asks for strongly consistent reads.
func (b *BatchGet[T]) Consistent() *BatchGet[T] { b.consistent = true; return b }

// All returns the items that exist, in no particular order; missing keys are simply absent. If
// keys are still unprocessed after the retries, it returns the items it has and an
// [*UnprocessedError] naming the rest.
func (b *BatchGet[T]) All(ctx context.Context) ([]T, error) {
	t := b.table
	var pending []map[string]types.AttributeValue
	seen := map[string]bool{}
	for _, k := range b.keys {
		av, err := t.schema.marshalKey(k)
		if err != nil {
			return nil, t.opError("BatchGetItem", k, err)
		}
		if id := k.String(); !seen[id] {
			seen[id] = true
			pending = append(pending, av)
		}
	}
	var items []T
	for len(pending) > 0 {
		chunk := pending[:min(maxBatchGet, len(pending))]
		pending = pending[len(chunk):]
		left := chunk
		for attempt := 0; len(left) > 0; attempt++ {
			if attempt == t.batchAttempts {
				return items, t.opError("BatchGetItem", Key{}, b.unprocessed(append(left, pending...)))
			}
			if attempt > 0 {
				if err := sleepBackoff(ctx, t.batchBackoff, attempt-1); err != nil {
					return items, t.opError("BatchGetItem", Key{}, err)
				}
			}
			out, err := t.client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
				t.name: {Keys: left, ConsistentRead: aws.Bool(b.consistent)},
			}})
			if err != nil {
				return items, t.opError("BatchGetItem", Key{}, err)
			}
			for _, av := range out.Responses[t.name] {
				var item T
				if err := attributevalue.UnmarshalMap(av, &item); err != nil {
					return items, t.opError("BatchGetItem", Key{}, err)
				}
				items = append(items, item)
			}
			left = out.UnprocessedKeys[t.name].Keys
		}
	}
	return items, nil
}

func (b *BatchGet[T]) unprocessed(keys []map[string]types.AttributeValue) error {
	e := &UnprocessedError{}
	for _, av := range keys {
		k, err := b.table.schema.keyFromAttributes(av)
		if err != nil {
			return fmt.Errorf("%w: %d keys", ErrUnprocessed, len(keys))
		}
		e.Keys = append(e.Keys, k)
	}
	return e
}
