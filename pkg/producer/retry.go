package producer

import (
	"context"
	"errors"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/awserr"
)

// Retry bounds the package's own retries (on top of the SDK's retries of each call).
type Retry struct {
	MaxAttempts int           // calls per event, at least 1
	BaseDelay   time.Duration // the first backoff is up to BaseDelay, then doubling...
	MaxDelay    time.Duration // ...up to MaxDelay
	// Sleep waits d or until ctx is done; nil means a real timer. Tests replace it.
	Sleep func(ctx context.Context, d time.Duration) error
}

// DefaultRetry is the policy of New and NewDLQ: 5 attempts, backoff 100 ms doubling to 3 s.
var DefaultRetry = Retry{MaxAttempts: 5, BaseDelay: 100 * time.Millisecond, MaxDelay: 3 * time.Second}

// backoff waits before attempt number attempt+1 (attempt counts from 1): a random duration up to
// min(MaxDelay, BaseDelay * 2^(attempt-1)) (full jitter).
func (r Retry) backoff(ctx context.Context, attempt int) error {
	limit := r.BaseDelay << min(attempt-1, 30)
	if limit > r.MaxDelay || limit <= 0 {
		limit = r.MaxDelay
	}
	var d time.Duration
	if limit > 0 {
		d = rand.N(limit) + 1
	}
	if r.Sleep != nil {
		return r.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (r Retry) attempts() int { return max(r.MaxAttempts, 1) }

// do calls f until it succeeds, fails for a reason that is not Retryable, or has been called
// attempts() times, with a backoff before each call after the first. It returns the number of
// calls and f's last error, or the context's error if a backoff was cut short.
func (r Retry) do(ctx context.Context, f func() error) (attempts int, err error) {
	for attempt := 1; ; attempt++ {
		err := f()
		if err == nil || !Retryable(err) || attempt >= r.attempts() {
			return attempt, err
		}
		if werr := r.backoff(ctx, attempt); werr != nil {
			return attempt, werr
		}
	}
}

// Retryable reports whether a failed SQS call may succeed if made again: throttling, server
// errors and network failures are; errors of the request itself (SenderFault, invalid
// parameters, missing queue) and the caller's cancelled context are not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr smithy.APIError
	isAPI := errors.As(err, &apiErr)
	if isAPI && serverCodes[apiErr.ErrorCode()] {
		return true
	}
	switch awserr.Transient(err) {
	case aws.TrueTernary:
		return true
	case aws.FalseTernary:
		return false
	}
	// An answer of unknown kind is not retried; a failure with no answer (the network) is.
	return !isAPI
}

// serverCodes are SQS error codes of passing server trouble that the SDK's lists miss.
var serverCodes = map[string]bool{
	"ServiceUnavailable": true, "InternalError": true, "InternalFailure": true,
	"KmsThrottled": true, "KMS.ThrottlingException": true,
}
