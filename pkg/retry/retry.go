// Package retry is the one backoff policy of the repository: how long to wait before the next
// attempt of a call that failed for a reason another attempt may fix, and how many attempts to
// make. pkg/ddb's batch loops (unprocessed items) and pkg/producer's sends (throttled or failed
// entries) use it, on top of the AWS SDK's own retries of each call. It imports no AWS package.
//
// The wait before retry n (n = 1 before the second attempt) is random in (0, min(Max, Base*2^(n-1))]:
// exponential backoff with full jitter, so that many clients throttled at once spread out instead
// of coming back together.
package retry

import (
	"context"
	"math/rand/v2"
	"time"
)

// Policy bounds retries. The zero value makes one attempt and never waits.
type Policy struct {
	// Attempts is the number of calls in all, at least 1.
	Attempts int
	// Base is the longest first wait; each later one may be twice as long as the one before...
	Base time.Duration
	// ...up to Max (no cap when 0 or less).
	Max time.Duration
	// Sleep waits d or until ctx is done, returning ctx's error then; nil means a real timer.
	// Tests replace it to record the waits instead of sleeping.
	Sleep func(ctx context.Context, d time.Duration) error
}

// MaxAttempts is the number of calls the policy allows: Attempts, at least 1.
func (p Policy) MaxAttempts() int { return max(p.Attempts, 1) }

// Limit is the longest wait before retry n (n >= 1): min(Max, Base*2^(n-1)), never negative.
func (p Policy) Limit(n int) time.Duration {
	if p.Base <= 0 {
		return 0
	}
	limit := p.Base << min(max(n-1, 0), 32)
	if limit <= 0 || limit>>min(max(n-1, 0), 32) != p.Base { // overflowed
		limit = time.Duration(1<<63 - 1)
	}
	if p.Max > 0 && limit > p.Max {
		limit = p.Max
	}
	return limit
}

// Delay draws the wait before retry n: random in (0, Limit(n)], or 0 when Limit(n) is 0.
func (p Policy) Delay(n int) time.Duration {
	limit := p.Limit(n)
	if limit <= 0 {
		return 0
	}
	return rand.N(limit) + 1
}

// Wait sleeps Delay(n), or until ctx is done (returning its error).
func (p Policy) Wait(ctx context.Context, n int) error {
	d := p.Delay(n)
	if p.Sleep != nil {
		return p.Sleep(ctx, d)
	}
	return Sleep(ctx, d)
}

// Sleep waits d, or until ctx is done (returning its error, also when it is done already).
func Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if d <= 0 {
		return nil
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

// Do calls f until it succeeds, fails with an error retryable does not accept, or has been
// called MaxAttempts times, waiting before each call after the first. It returns the number of
// calls and f's last error, or ctx's error if a wait was cut short.
func (p Policy) Do(ctx context.Context, retryable func(error) bool, f func() error) (attempts int, err error) {
	for n := 1; ; n++ {
		err := f()
		if err == nil || !retryable(err) || n >= p.MaxAttempts() {
			return n, err
		}
		if werr := p.Wait(ctx, n); werr != nil {
			return n, werr
		}
	}
}
