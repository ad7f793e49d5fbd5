package ddb

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// maxBatchWrite is DynamoDB's limit of requests per BatchWriteItem call.
const maxBatchWrite = 25

// BatchWrite puts and deletes many items, 25 requests per call, retrying unprocessed requests
// with backoff. Puts are upserts and deletes of missing items are no-ops: batch writes take no
// conditions. Items are checked (keys, enums) before the first call. When several requests name
// the same key, only the last one is sent (DynamoDB refuses a call with two requests for one key,
// and the last request is what writing them one by one would leave).
type BatchWrite[T any] struct {
	table *Table[T]
	reqs  []types.WriteRequest
	err   error
}

// BatchWrite starts an empty batch.
func (t *Table[T]) BatchWrite() *BatchWrite[T] { return &BatchWrite[T]{table: t} }

// Put adds items to write whole.
func (b *BatchWrite[T]) Put(items ...T) *BatchWrite[T] {
	for i := range items {
		if b.err != nil {
			return b
		}
		av, err := attributevalue.MarshalMap(items[i])
		if err == nil {
			_, err = b.table.schema.keyFromAttributes(av)
		}
		if err == nil {
			err = b.table.schema.checkEnums(&items[i])
		}
		if err != nil {
			b.err = b.table.opError("BatchWriteItem", Key{}, err)
			return b
		}
		b.reqs = append(b.reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	return b
}

// Delete adds keys to delete.
func (b *BatchWrite[T]) Delete(keys ...Key) *BatchWrite[T] {
	for _, k := range keys {
		if b.err != nil {
			return b
		}
		av, err := b.table.schema.marshalKey(k)
		if err != nil {
			b.err = b.table.opError("BatchWriteItem", k, err)
			return b
		}
		b.reqs = append(b.reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: av}})
	}
	return b
}

// Run sends the batch. If requests are still unprocessed after the retries, it returns an
// [*UnprocessedError] with their keys; everything else was written.
func (b *BatchWrite[T]) Run(ctx context.Context) error {
	if b.err != nil {
		return b.err
	}
	t := b.table
	pending := b.lastPerKey()
	for len(pending) > 0 {
		chunk := pending[:min(maxBatchWrite, len(pending))]
		pending = pending[len(chunk):]
		left := chunk
		for attempt := 0; len(left) > 0; attempt++ {
			if attempt == t.batchAttempts {
				return t.opError("BatchWriteItem", Key{}, b.unprocessed(append(left, pending...)))
			}
			if attempt > 0 {
				if err := sleepBackoff(ctx, t.batchBackoff, attempt-1); err != nil {
					return t.opError("BatchWriteItem", Key{}, err)
				}
			}
			out, err := t.client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{
				RequestItems: map[string][]types.WriteRequest{t.name: left},
			})
			if err != nil {
				return t.opError("BatchWriteItem", Key{}, err)
			}
			left = out.UnprocessedItems[t.name]
		}
	}
	return nil
}

// lastPerKey returns the requests without those followed by a later request for the same key,
// in their order.
func (b *BatchWrite[T]) lastPerKey() []types.WriteRequest {
	ids := make([]string, len(b.reqs))
	last := make(map[string]int, len(b.reqs))
	for i, r := range b.reqs {
		ids[i] = b.table.schema.keyIdentity(requestKey(r))
		last[ids[i]] = i
	}
	if len(last) == len(b.reqs) {
		return b.reqs
	}
	out := make([]types.WriteRequest, 0, len(last))
	for i, r := range b.reqs {
		if last[ids[i]] == i {
			out = append(out, r)
		}
	}
	return out
}

// requestKey returns the attributes of a write request that hold its key (the whole item of a
// put).
func requestKey(r types.WriteRequest) map[string]types.AttributeValue {
	switch {
	case r.PutRequest != nil:
		return r.PutRequest.Item
	case r.DeleteRequest != nil:
		return r.DeleteRequest.Key
	}
	return nil
}

// keyIdentity is a text that two attribute maps share exactly when they hold the same primary key
// (type and value of the partition and sort key attributes). Numbers compare as written, which is
// exact for keys marshalled from Go values (the SDK writes each number one way).
func (s *Schema[T]) keyIdentity(av map[string]types.AttributeValue) string {
	var b strings.Builder
	for _, name := range []string{s.def.PartitionKey, s.def.SortKey} {
		if name == "" {
			continue
		}
		switch v := av[name].(type) {
		case *types.AttributeValueMemberS:
			fmt.Fprintf(&b, "S%d:%s", len(v.Value), v.Value)
		case *types.AttributeValueMemberN:
			fmt.Fprintf(&b, "N%d:%s", len(v.Value), v.Value)
		case *types.AttributeValueMemberB:
			fmt.Fprintf(&b, "B%d:%s", len(v.Value), v.Value)
		default:
			fmt.Fprintf(&b, "?%T", v)
		}
	}
	return b.String()
}

func (b *BatchWrite[T]) unprocessed(reqs []types.WriteRequest) error {
	e := &UnprocessedError{}
	for _, r := range reqs {
		if k, err := b.table.schema.keyFromAttributes(requestKey(r)); err == nil {
			e.Keys = append(e.Keys, k)
		}
	}
	return e
}
