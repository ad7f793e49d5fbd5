package ddb

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Key identifies one item: the partition key value and, for tables with a sort key, the sort key
// value. Values are plain Go values (string, number, []byte).
type Key struct {
	Partition any
	Sort      any
}

// IsZero reports whether k is the zero Key.
func (k Key) IsZero() bool { return k.Partition == nil && k.Sort == nil }

func (k Key) String() string {
	if k.Sort == nil {
		return fmt.Sprintf("key(%v)", k.Partition)
	}
	return fmt.Sprintf("key(%v, %v)", k.Partition, k.Sort)
}

// marshalKey turns k into the attribute map of the table's primary key, checking that it has
// exactly the parts the schema needs.
func (s *Schema[T]) marshalKey(k Key) (map[string]types.AttributeValue, error) {
	if k.Partition == nil {
		return nil, fmt.Errorf("%w: %s has no partition value", ErrInvalidItem, k)
	}
	if (s.def.SortKey == "") != (k.Sort == nil) {
		if s.def.SortKey == "" {
			return nil, fmt.Errorf("%w: %s has a sort value but the table has no sort key", ErrInvalidItem, k)
		}
		return nil, fmt.Errorf("%w: %s has no value for sort key %q", ErrInvalidItem, k, s.def.SortKey)
	}
	pk, err := attributevalue.Marshal(k.Partition)
	if err != nil {
		return nil, fmt.Errorf("%w: partition value: %v", ErrInvalidItem, err)
	}
	m := map[string]types.AttributeValue{s.def.PartitionKey: pk}
	if s.def.SortKey != "" {
		sk, err := attributevalue.Marshal(k.Sort)
		if err != nil {
			return nil, fmt.Errorf("%w: sort value: %v", ErrInvalidItem, err)
		}
		m[s.def.SortKey] = sk
	}
	return m, nil
}

func (s *Schema[T]) keyFromAttributes(av map[string]types.AttributeValue) (Key, error) {
	var k Key
	if err := attributevalue.Unmarshal(av[s.def.PartitionKey], &k.Partition); err != nil || k.Partition == nil {
		return Key{}, fmt.Errorf("%w: item has no partition key %q", ErrInvalidItem, s.def.PartitionKey)
	}
	if s.def.SortKey != "" {
		if err := attributevalue.Unmarshal(av[s.def.SortKey], &k.Sort); err != nil || k.Sort == nil {
			return Key{}, fmt.Errorf("%w: item has no sort key %q", ErrInvalidItem, s.def.SortKey)
		}
	}
	return k, nil
}
