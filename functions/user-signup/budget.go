package main

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// The time limits of one invocation. Cognito gives a trigger 5 s (deploy.UserSignupFunction's
// timeout too), a cold start takes some of it, so the DynamoDB work gets 3 s in all: at most
// MaxAttempts attempts of at most AttemptTimeout each, with at most MaxBackoff between them
// (3 × 800 ms + 2 × 200 ms = 2.8 s), and the context deadline (Budget) as the backstop.
const (
	Budget         = 3 * time.Second
	AttemptTimeout = 800 * time.Millisecond
	MaxAttempts    = 3
	MaxBackoff     = 200 * time.Millisecond
)

// newRetryer is the SDK retryer of the DynamoDB client: the standard one (throttles, 5xx,
// timeouts, broken connections), bounded to fit in Budget.
func newRetryer() *retry.Standard {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = MaxAttempts
		o.MaxBackoff = MaxBackoff
	})
}
