// Package deploy holds the numbers and names that the cloud deployment (the CDK app in infra/)
// and the local stack must agree on: function names, memory and timeouts, queue names and
// redrive, the SQS event source's batching, the environment variable names the functions read,
// the API's routes and throttling. It is plain Go with no dependency, so the local stack and the
// functions can import it without pulling in the CDK.
//
// Table names, keys and indexes are not here: they belong to package tables.
package deploy

import "time"

// Function names: the folder under functions/, the asset folder under build/lambda/ and the
// suffix of the deployed function's name.
const (
	StatusUpdater = "status-updater"
	UserSignup    = "user-signup"
	StatusQuery   = "status-query"
)

// Functions lists every function, in the order of the data flow.
var Functions = []string{StatusUpdater, UserSignup, StatusQuery}

// Function is what a function is given to run with.
type Function struct {
	Name string
	// MemoryMB also buys CPU: Lambda allots CPU in proportion to memory.
	MemoryMB int
	// Timeout is the most one invocation may take.
	Timeout time.Duration
}

// The functions' sizes. All three are small Go binaries (a few MB of resident memory); memory
// is chosen for CPU and latency, the timeouts for what calls them.
var (
	// StatusUpdaterFunction applies a batch of up to BatchSize events, one conditional
	// UpdateItem each. 256 MB gives it a faster cold start and JSON/SDK work than 128 MB at a
	// negligible cost; 30 s covers a full batch with the SDK's retries on throttling, and it
	// sets the queue's visibility timeout (see VisibilityTimeout).
	StatusUpdaterFunction = Function{Name: StatusUpdater, MemoryMB: 256, Timeout: 30 * time.Second}
	// UserSignupFunction is Cognito's PostConfirmation trigger: one PutItem. Cognito waits at
	// most 5 s for a trigger (and retries up to three times), so a longer timeout would be
	// useless; 128 MB is plenty for one call.
	UserSignupFunction = Function{Name: UserSignup, MemoryMB: 128, Timeout: 5 * time.Second}
	// StatusQueryFunction answers the HTTP API: a GetItem or one page of a Query. Users wait
	// for it, so 256 MB for latency; 10 s is well under the HTTP API's 30 s integration limit
	// and fails fast instead of holding a browser.
	StatusQueryFunction = Function{Name: StatusQuery, MemoryMB: 256, Timeout: 10 * time.Second}
)

// FunctionByName returns the settings of the named function.
func FunctionByName(name string) (Function, bool) {
	for _, f := range []Function{StatusUpdaterFunction, UserSignupFunction, StatusQueryFunction} {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}

// Queue names (suffixes of the deployed names) and the redrive policy.
const (
	EventsQueue     = "training-events"
	DeadLetterQueue = "training-events-dlq"
	// MaxReceiveCount is how many times a message is received before SQS moves it to the
	// dead-letter queue.
	MaxReceiveCount = 5
)

// Retention of messages: events are expected to be consumed within seconds, so four days (the
// SQS default) is ample; the dead-letter queue keeps its messages for the SQS maximum of 14 days
// so that someone can inspect and redrive them.
const (
	EventsRetention     = 4 * 24 * time.Hour
	DeadLetterRetention = 14 * 24 * time.Hour
)

// The SQS event source of status-updater: defaults, overridable per deployment.
const (
	// BatchSize is the most messages given to one invocation.
	BatchSize = 10
	// MaxBatchingWindow is how long the poller may wait to fill a batch: a status is at most
	// this much later than its event, in exchange for fewer invocations under load.
	MaxBatchingWindow = 1 * time.Second
	// MaxConcurrency caps the concurrent invocations the event source starts (2 to 1000), which
	// caps the write rate on the status table.
	MaxConcurrency = 10
)

// VisibilityTimeout is the events queue's visibility timeout for a given batching window: AWS
// asks for at least six times the function's timeout, plus the batching window, so that a
// message is not redelivered while a retried invocation may still be working on it.
func VisibilityTimeout(batchingWindow time.Duration) time.Duration {
	return 6*StatusUpdaterFunction.Timeout + batchingWindow
}

// Environment variables the functions read, besides the table names of package tables.
const (
	// EnvDeadLetterQueueURL: status-updater sends poison events there, with the reason.
	EnvDeadLetterQueueURL = "DEAD_LETTER_QUEUE_URL"
	// EnvCursorSecret: status-query signs page cursors with it (HMAC, CursorSecretMinBytes or
	// more).
	EnvCursorSecret = "CURSOR_SECRET"
	// EnvLogLevel: debug, info, warn or error.
	EnvLogLevel = "LOG_LEVEL"
)

// CursorSecretMinBytes is the shortest cursor signing key the functions accept.
const CursorSecretMinBytes = 32

// DefaultLogLevel is LOG_LEVEL unless a deployment says otherwise.
const DefaultLogLevel = "info"

// The HTTP API's routes, all served by status-query behind the JWT authorizer.
const (
	PathRequestID   = "request_id"
	RouteListStatus = "GET /status"
	RouteGetStatus  = "GET /status/{" + PathRequestID + "}"
)

// Routes lists the HTTP API's routes.
var Routes = []string{RouteListStatus, RouteGetStatus}

// Throttling of the HTTP API's stage: steady requests per second and burst.
const (
	ThrottleRateLimit  = 50
	ThrottleBurstLimit = 100
)

// LogRetentionDays is how long function and access logs are kept.
const LogRetentionDays = 30
