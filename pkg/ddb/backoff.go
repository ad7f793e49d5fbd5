package ddb

import (
	"context"
	"math/rand/v2"
	"time"
)

// sleepBackoff waits before retry attempt n (0-based): base * 2^n, with full jitter, capped at
// 5 s, or until ctx ends.
func sleepBackoff(ctx context.Context, base time.Duration, n int) error {
	d := min(base<<min(n, 10), 5*time.Second)
	d = d/2 + rand.N(d/2+1)
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
