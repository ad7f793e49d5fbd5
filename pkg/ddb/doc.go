// Package ddb is a small, typed layer over Amazon DynamoDB for tables whose items are Go structs
// with `dynamodbav` tags.
//
// A table is described once by a [Schema] (item type, keys, global secondary indexes, TTL
// attribute), checked when it is built so that a wrong definition fails at start-up rather than at
// the first request. A [Table] binds a schema to a client and a table name and offers one
// operation per file, in the style of guregu/dynamo: a builder method collects the request and a
// context-first terminal call sends it.
//
//	item, err := table.Get(ddb.Key{Partition: "job-1"}).Consistent().One(ctx)
//	if errors.Is(err, ddb.ErrNotFound) { ... }
//
// All marshalling goes through the SDK's attributevalue package and all expressions through its
// expression package; the package never writes an expression string by hand. Every error names
// the table and, where there is one, the key, and wraps a sentinel ([ErrNotFound],
// [ErrAlreadyExists], [ErrConditionFailed], [ErrInvalidItem], [ErrInvalidSchema], ...) that callers
// test with errors.Is.
package ddb
