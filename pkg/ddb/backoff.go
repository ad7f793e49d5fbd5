package ddb

import (
	"context"
	"time"

	"github.com/trainstatus/trainstatus/pkg/retry"
)

// maxBatchBackoff caps the wait between two rounds of a batch loop.
const maxBatchBackoff = 5 * time.Second

// sleepBackoff waits before retry round n (0-based) of a batch loop, with the repository's one
// backoff policy (pkg/retry: full jitter up to base * 2^n, capped at 5 s), or until ctx ends.
func sleepBackoff(ctx context.Context, base time.Duration, n int) error {
	return retry.Policy{Base: base, Max: maxBatchBackoff}.Wait(ctx, n+1)
}
