package main

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// The time limits of one request. The function may run 10 s (deploy.StatusQueryFunction), but a
// user is waiting: the one DynamoDB call gets Budget in all, at most MaxAttempts attempts of at
// most AttemptTimeout each with at most MaxBackoff between them (3 × 1.5 s + 2 × 200 ms = 4.9 s),
// so that a failing DynamoDB turns into a JSON 500 from us rather than a Lambda timeout.
const (
	Budget         = 5 * time.Second
	AttemptTimeout = 1500 * time.Millisecond
	MaxAttempts    = 3
	MaxBackoff     = 200 * time.Millisecond
)

// newRetryer is the SDK retryer of the DynamoDB client: the standard one, bounded to fit Budget.
func newRetryer() *retry.Standard {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = MaxAttempts
		o.MaxBackoff = MaxBackoff
	})
}
