package main

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Limiter decides whether a user may send n more events now.
type Limiter interface {
	// Take counts n events against user; when that would exceed the limit it counts nothing and
	// returns false with how long until the user may try again.
	Take(ctx context.Context, user string, n int) (ok bool, retryAfter time.Duration, err error)
}

// WindowLimiter is a fixed-window limit per user shared by every instance of the function: one
// item per user and window in the rate-limit table, to which each request adds its events with
// one conditional UpdateItem (ADD count :n if the count stays within Limit). A user may send up
// to Limit events in each window; at a window's edge up to twice that within a short time, the
// usual price of fixed windows, which a limit meant against floods can pay. The item expires by
// TTL an hour after its window.
type WindowLimiter struct {
	Table  *ddb.Table[tables.RateWindowItem]
	Limit  int64
	Window time.Duration
	Now    func() time.Time
}

// windowTTL is how long after its window an item is kept (DynamoDB deletes it within days).
const windowTTL = time.Hour

// Take implements Limiter.
func (l *WindowLimiter) Take(ctx context.Context, user string, n int) (bool, time.Duration, error) {
	now := l.Now()
	width := int64(l.Window / time.Second)
	start := now.Unix() / width * width
	end := time.Unix(start+width, 0)
	count := expression.Name(tables.AttrCount)
	within := expression.Or(expression.AttributeNotExists(count), count.LessThanEqual(expression.Value(l.Limit-int64(n))))
	err := l.Table.Update(tables.RateWindowKey(user, start)).Add(tables.AttrCount, n).
		SetIfNotExists(tables.AttrRateExpiresAt, end.Add(windowTTL).Unix()).If(within).Upsert().Run(ctx)
	switch {
	case errors.Is(err, ddb.ErrConditionFailed):
		return false, end.Sub(now), nil
	case err != nil:
		return false, 0, err
	}
	return true, 0, nil
}
