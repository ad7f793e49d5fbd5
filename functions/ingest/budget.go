package main

import (
	"time"

	"github.com/trainstatus/trainstatus/pkg/retry"
)

// The time limits of one request. The function may run 10 s (deploy.IngestFunction) and a
// client waits: the DynamoDB calls and the sends together get Budget, and what is not enqueued by
// then is answered "retry" (503) instead of letting Lambda time the request out.
const Budget = 7 * time.Second

// SendRetry is the producer's retry of the entries SQS failed: 3 calls per event, 50 ms doubling
// to 400 ms between them (on top of the SDK's retries of each call).
var SendRetry = retry.Policy{Attempts: 3, Base: 50 * time.Millisecond, Max: 400 * time.Millisecond}

// RetryAfterUnsent is the Retry-After of a 503: events SQS refused now usually pass a moment
// later.
const RetryAfterUnsent = 2 * time.Second
