package awsconfig

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Limits bound one SDK call: at most MaxAttempts attempts of at most AttemptTimeout each, with
// the standard retryer's backoff (throttles, 5xx, timeouts, broken connections) capped at
// MaxBackoff between them, and retries drawn from a client-side budget of RetryQuota.
type Limits struct {
	AttemptTimeout time.Duration
	MaxAttempts    int
	MaxBackoff     time.Duration

	// RetryQuota sizes the standard retryer's client-side retry budget (its token bucket: a
	// retry costs 14 tokens, 5 after a throttle, a first-attempt success earns 1 back). When the
	// bucket is empty a failed attempt is not retried at all ("retry quota exceeded"), so under
	// sustained faults "MaxAttempts attempts" silently becomes one: with the SDK's default of
	// 500 tokens, 18 calls in a row that fail 3 times empty it, which is what a 20% fault rate did
	// to status-updater (issue 12.6: 1,314 of 1,331 failed UpdateItems got a single attempt).
	//
	// The zero value turns the budget off (ratelimit.None): every call gets its MaxAttempts.
	// That is deliberate for our functions, because the budget protects a service from a retry
	// storm by a client whose own callers are unbounded, and ours are bounded by their event
	// source instead: a Lambda instance runs one invocation at a time, the SQS event source
	// mapping caps status-updater's concurrency (and REQUEST_CONCURRENCY the calls of one
	// invocation), Cognito and the API's throttling (and, where turned on, reserved concurrency) cap the others, and
	// Worst bounds how long each call can retry. A positive value sizes a budget on purpose (in
	// tokens, retry.DefaultRetryRateTokens being the SDK's default).
	RetryQuota uint
}

// Worst is the longest one call can take under these limits.
func (l Limits) Worst() time.Duration {
	return time.Duration(l.MaxAttempts)*l.AttemptTimeout + time.Duration(max(l.MaxAttempts-1, 0))*l.MaxBackoff
}

// Retryer is the standard SDK retryer bounded by l. It has the signature of aws.Config.Retryer,
// which each client calls once: every client gets its own budget.
func (l Limits) Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = l.MaxAttempts
		o.MaxBackoff = l.MaxBackoff
		o.RateLimiter = ratelimit.None
		if l.RetryQuota > 0 {
			o.RateLimiter = ratelimit.NewTokenRateLimit(l.RetryQuota)
		}
	})
}
