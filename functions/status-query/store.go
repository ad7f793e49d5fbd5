package main

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// JobStore reads jobs. Each method makes exactly one DynamoDB call.
type JobStore interface {
	// Job returns the job, or an error matching ddb.ErrNotFound.
	Job(ctx context.Context, requestID string) (tables.StatusItem, error)
	// Jobs returns one page of the user's jobs, newest first; a cursor that this store did not
	// make for this user is an error matching ddb.ErrInvalidCursor.
	Jobs(ctx context.Context, userID string, q ListQuery) (ddb.Page[tables.StatusItem], error)
}

// TableStore is the JobStore of the status table (which needs a cursor codec).
type TableStore struct {
	Table *ddb.Table[tables.StatusItem]
}

// Job reads the job with a strongly consistent GetItem. A tracker polls a job right after its
// events are written; an eventually consistent read may answer with an older version than the
// one the client has already seen (SUCCESS, then IN_PROGRESS again), which would also make the
// ETag flap. A consistent read of an item this small costs 1 read unit instead of 0.5.
func (s TableStore) Job(ctx context.Context, requestID string) (tables.StatusItem, error) {
	return s.Table.Get(ddb.Key{Partition: requestID}).Consistent().One(ctx)
}

// Jobs reads one page of GSI by_user (eventually consistent: a GSI cannot be read any other
// way), newest update first. With a status filter, DynamoDB applies the limit before the filter,
// so a page may hold fewer items than the limit (even none) and still have a next cursor.
func (s TableStore) Jobs(ctx context.Context, userID string, q ListQuery) (ddb.Page[tables.StatusItem], error) {
	query := s.Table.Query(userID).Index(tables.IndexByUser).Descending().Limit(q.Limit)
	if q.Status != "" {
		query = query.Filter(expression.Name(tables.AttrStatus).Equal(expression.Value(q.Status)))
	}
	return query.Page(ctx, q.Cursor)
}
