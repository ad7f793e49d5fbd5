package ddb

import (
	"time"
)

// Table is a DynamoDB table of items of type T: a checked Schema bound to a client and a name.
// It is safe for concurrent use; create it once (at init in a Lambda function) and share it.
type Table[T any] struct {
	client API
	name   string
	schema *Schema[T]
	cursor *CursorCodec
	// batchBackoff is the first wait before retrying unprocessed batch items; it doubles each time.
	batchBackoff  time.Duration
	batchAttempts int
	waitPoll      time.Duration
}

// Option configures a Table.
type Option func(*tableOptions)

type tableOptions struct {
	cursor        *CursorCodec
	batchBackoff  time.Duration
	batchAttempts int
	waitPoll      time.Duration
}

// WithCursorCodec sets the codec that signs and checks page cursors (see [Query.Page]). Without
// it, Page cannot be used.
func WithCursorCodec(c *CursorCodec) Option { return func(o *tableOptions) { o.cursor = c } }

// WithBatchRetry sets how batch operations retry unprocessed items: attempts in all, and the first
// backoff, which doubles (with jitter) after each attempt. Default: 8 attempts from 50 ms.
func WithBatchRetry(attempts int, firstBackoff time.Duration) Option {
	return func(o *tableOptions) { o.batchAttempts, o.batchBackoff = attempts, firstBackoff }
}

// WithWaitPoll sets how often CreateIfMissing and CreateGSI poll for ACTIVE (default 1 s).
func WithWaitPoll(d time.Duration) Option { return func(o *tableOptions) { o.waitPoll = d } }

// NewTable binds schema to a client and a table name.
func NewTable[T any](client API, name string, schema *Schema[T], opts ...Option) *Table[T] {
	o := tableOptions{batchAttempts: 8, batchBackoff: 50 * time.Millisecond, waitPoll: time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	return &Table[T]{client: client, name: name, schema: schema, cursor: o.cursor,
		batchBackoff: o.batchBackoff, batchAttempts: max(1, o.batchAttempts), waitPoll: o.waitPoll}
}

// Name returns the table's name.
func (t *Table[T]) Name() string { return t.name }

// Schema returns the table's schema.
func (t *Table[T]) Schema() *Schema[T] { return t.schema }

func (t *Table[T]) opError(op string, key Key, err error) error {
	return &OpError{Op: op, Table: t.name, Key: key, Err: err}
}
