package main

import (
	"time"

	"github.com/trainstatus/trainstatus/pkg/awsconfig"
)

// The time limits of one invocation. Cognito gives a trigger 5 s (deploy.UserSignupFunction's
// timeout too), a cold start takes some of it, so the DynamoDB work gets 3 s in all: at most
// Limits.MaxAttempts attempts of at most Limits.AttemptTimeout each, with at most Limits.MaxBackoff between them
// (3 × 800 ms + 2 × 200 ms = 2.8 s), and the context deadline (Budget) as the backstop.
const Budget = 3 * time.Second

// Limits bound the DynamoDB client's retries so that they fit in Budget.
var Limits = awsconfig.Limits{AttemptTimeout: 800 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 200 * time.Millisecond}
