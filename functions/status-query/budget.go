package main

import (
	"time"

	"github.com/trainstatus/trainstatus/pkg/awsconfig"
)

// The time limits of one request. The function may run 10 s (deploy.StatusQueryFunction), but a
// user is waiting: the one DynamoDB call gets Budget in all, at most Limits.MaxAttempts attempts of at
// most Limits.AttemptTimeout each with at most Limits.MaxBackoff between them (3 × 1.5 s + 2 × 200 ms = 4.9 s),
// so that a failing DynamoDB turns into a JSON 500 from us rather than a Lambda timeout.
const Budget = 5 * time.Second

// Limits bound the DynamoDB client's retries so that they fit in Budget.
var Limits = awsconfig.Limits{AttemptTimeout: 1500 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 200 * time.Millisecond}
