package ddbtest

import (
	"context"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb"
)

// FaultFunc decides whether a call fails: op is the operation ("UpdateItem", ...), input its
// request. A nil result lets the call through to the real client.
type FaultFunc func(ctx context.Context, op string, input any) error

// Spy wraps a real client for tests: it counts the item calls that pass through it and can fail
// them (throttles, server errors, timeouts) with a FaultFunc. Table management calls go straight
// through. It is safe for concurrent use.
type Spy struct {
	ddb.API
	calls sync.Map // operation -> *atomic.Int64
	fault atomic.Pointer[FaultFunc]
}

// NewSpy wraps client.
func NewSpy(client ddb.API) *Spy { return &Spy{API: client} }

// Calls returns how many calls of the given operations (all, if none is given) were made since
// the spy was made or Reset, failed ones included.
func (s *Spy) Calls(ops ...string) int64 {
	var n int64
	s.calls.Range(func(op, c any) bool {
		if len(ops) == 0 || slices.Contains(ops, op.(string)) {
			n += c.(*atomic.Int64).Load()
		}
		return true
	})
	return n
}

// Reset sets every count back to zero.
func (s *Spy) Reset() { s.calls.Clear() }

// SetFault makes every later call ask f first; nil stops the faults.
func (s *Spy) SetFault(f FaultFunc) {
	if f == nil {
		s.fault.Store(nil)
		return
	}
	s.fault.Store(&f)
}

// spied counts the call and runs the fault, then the real call.
func spied[I, O any](s *Spy, ctx context.Context, op string, in I, call func() (O, error)) (O, error) {
	c, _ := s.calls.LoadOrStore(op, new(atomic.Int64))
	c.(*atomic.Int64).Add(1)
	if f := s.fault.Load(); f != nil {
		if err := (*f)(ctx, op, in); err != nil {
			var zero O
			return zero, err
		}
	}
	return call()
}

func (s *Spy) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	return spied(s, ctx, "GetItem", in, func() (*dynamodb.GetItemOutput, error) { return s.API.GetItem(ctx, in, o...) })
}

func (s *Spy) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	return spied(s, ctx, "PutItem", in, func() (*dynamodb.PutItemOutput, error) { return s.API.PutItem(ctx, in, o...) })
}

func (s *Spy) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	return spied(s, ctx, "UpdateItem", in, func() (*dynamodb.UpdateItemOutput, error) { return s.API.UpdateItem(ctx, in, o...) })
}

func (s *Spy) DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error) {
	return spied(s, ctx, "DeleteItem", in, func() (*dynamodb.DeleteItemOutput, error) { return s.API.DeleteItem(ctx, in, o...) })
}

func (s *Spy) Query(ctx context.Context, in *dynamodb.QueryInput, o ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error) {
	return spied(s, ctx, "Query", in, func() (*dynamodb.QueryOutput, error) { return s.API.Query(ctx, in, o...) })
}

func (s *Spy) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	return spied(s, ctx, "BatchGetItem", in, func() (*dynamodb.BatchGetItemOutput, error) { return s.API.BatchGetItem(ctx, in, o...) })
}

func (s *Spy) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	return spied(s, ctx, "BatchWriteItem", in, func() (*dynamodb.BatchWriteItemOutput, error) { return s.API.BatchWriteItem(ctx, in, o...) })
}

func (s *Spy) TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, o ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error) {
	return spied(s, ctx, "TransactWriteItems", in, func() (*dynamodb.TransactWriteItemsOutput, error) { return s.API.TransactWriteItems(ctx, in, o...) })
}

// FaultOn is a FaultFunc that runs fault for the named operations only.
func FaultOn(fault func(ctx context.Context) error, ops ...string) FaultFunc {
	return func(ctx context.Context, op string, _ any) error {
		if slices.Contains(ops, op) {
			return fault(ctx)
		}
		return nil
	}
}
