package deploy

import "time"

// Ingest is the function behind POST /v1/events: training code reports with a reporting token
// (issue 19).
const Ingest = "ingest"

// The resources of the reporting tokens and the ingest endpoint.
const (
	TokensTableName    Resource = "tokens table name"
	RateLimitTableName Resource = "rate-limit table name"
	EventsQueueURL     Resource = "events queue URL"
)

// The ingest function's variables (status-query reads TokensTableVar too).
var (
	TokensTableVar    = Var{Name: "TOKENS_TABLE_NAME", Resource: TokensTableName}
	RateLimitTableVar = Var{Name: "RATE_LIMIT_TABLE_NAME", Resource: RateLimitTableName}
	EventsQueueVar    = Var{Name: "EVENTS_QUEUE_URL", Resource: EventsQueueURL}
	// TokenCacheTTLVar: how long an instance of the ingest function trusts what it read about a
	// token (a Go duration). It is the bound on revocation: a revoked token is refused by every
	// instance at most this long after the DELETE was answered. Unknown tokens are remembered
	// for at most NegativeCacheTTL of it.
	TokenCacheTTLVar = Var{Name: "TOKEN_CACHE_TTL", Default: "30s"}
	// IngestRateLimitVar: the most events one user may send through the endpoint per window,
	// over every instance (a batch of 100 counts 100). The default, 600 per minute, is ten a
	// second sustained: a user reporting every few seconds from dozens of machines at once, or a
	// batch of 100 six times a minute.
	IngestRateLimitVar = Var{Name: "INGEST_RATE_LIMIT", Default: "600"}
	// IngestRateWindowVar: the fixed window the limit counts over (a Go duration, whole seconds).
	IngestRateWindowVar = Var{Name: "INGEST_RATE_WINDOW", Default: "1m"}
)

// NegativeCacheTTL caps how long the ingest function remembers that a secret is no token's (the
// smaller of it and TOKEN_CACHE_TTL): long enough that a client retrying a bad token in a loop
// costs one read every few seconds, short enough that a token used the moment it was created
// works at the next try.
const NegativeCacheTTL = 5 * time.Second

// IngestFunction answers POST /v1/events: per request one GetItem for the token (none while
// cached), one conditional UpdateItem for the rate limit, and a SendMessageBatch per 10 events.
// A user waits: 256 MB for latency, 10 s, well under the HTTP API's 30 s, with the SQS retries
// inside it. The reserved concurrency caps what a flood of requests can cost, the queue and the
// account's concurrency; 50 instances at ~20 ms per request serve about 2,500 requests a second.
var IngestFunction = Function{
	Name: Ingest, MemoryMB: 256, Timeout: 10 * time.Second, ReservedConcurrency: 50,
	Description: "accepts training events sent with a reporting token and enqueues them",
	Env: []Var{TokensTableVar, RateLimitTableVar, EventsQueueVar, TokenCacheTTLVar,
		IngestRateLimitVar, IngestRateWindowVar, LogLevelVar},
}

// Path parameter of the token routes.
const PathTokenID = "token_id"

// The routes of issue 19: a user's tokens (JWT, status-query) and the ingest endpoint (no JWT:
// the ingest function checks the reporting token itself).
var (
	ListTokensRoute  = Route{Method: "GET", Path: "/me/tokens", Function: StatusQuery, RateLimit: 10, BurstLimit: 20}
	CreateTokenRoute = Route{Method: "POST", Path: "/me/tokens", Function: StatusQuery, RateLimit: 5, BurstLimit: 10}
	DeleteTokenRoute = Route{Method: "DELETE", Path: "/me/tokens/{" + PathTokenID + "}", Function: StatusQuery, RateLimit: 5, BurstLimit: 10}
	IngestRoute      = Route{Method: "POST", Path: "/v1/events", Function: Ingest, Auth: AuthFunction, RateLimit: 500, BurstLimit: 1000}
	RouteListTokens  = ListTokensRoute.Key()
	RouteCreateToken = CreateTokenRoute.Key()
	RouteDeleteToken = DeleteTokenRoute.Key()
	RouteIngest      = IngestRoute.Key()
)

// Metrics the ingest function counts in its EMF line (namespace "trainstatus", dimension
// FunctionName) that the deployment alarms on.
const (
	// IngestMetricRetry counts events answered "retry": not enqueued (SQS failing or throttling).
	IngestMetricRetry = "Retry"
	// IngestMetricRateLimited counts requests refused with 429.
	IngestMetricRateLimited = "RateLimited"
	// IngestMetricErrors counts 500 answers.
	IngestMetricErrors = "Errors"
)
