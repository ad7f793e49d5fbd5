package deploy

import "time"

// Function names: the folder under functions/, the asset folder under build/lambda/ and the
// suffix of the deployed function's name.
const (
	StatusUpdater  = "status-updater"
	UserSignup     = "user-signup"
	StatusQuery    = "status-query"
	StatusNotifier = "status-notifier"
)

// Function is one Lambda function: what it is given to run with.
type Function struct {
	Name        string
	Description string
	// MemoryMB also buys CPU: Lambda allots CPU in proportion to memory.
	MemoryMB int
	// Timeout is the most one invocation may take.
	Timeout time.Duration
	// ReservedConcurrency, when not zero, both guarantees and caps the function's concurrent
	// executions, in a deployment that turns reservations on (infra's reservedConcurrency
	// setting, off by default: a new account's concurrency quota may not allow any).
	ReservedConcurrency int
	// Env is every environment variable the function reads, besides the AWS SDK's own.
	Env []Var
}

// The functions. All four are small Go binaries (a few MB of resident memory); memory is chosen
// for CPU and latency, the timeouts for what calls them.
var (
	// StatusUpdaterFunction applies a batch of up to BatchSize events, one conditional
	// UpdateItem each. 256 MB gives it a faster cold start and JSON/SDK work than 128 MB at a
	// negligible cost; 30 s covers a full batch with the SDK's retries on throttling, and it
	// sets the queue's visibility timeout (see VisibilityTimeout).
	StatusUpdaterFunction = Function{
		Name: StatusUpdater, MemoryMB: 256, Timeout: 30 * time.Second,
		Description: "applies training events from the queue to the status table",
		Env:         []Var{StatusTableVar, DeadLetterQueueVar, RequestConcurrencyVar, LogLevelVar},
	}
	// UserSignupFunction is Cognito's PostConfirmation and PostAuthentication trigger: one
	// conditional PutItem. Cognito waits at most 5 s for a trigger, so a longer timeout would be
	// useless; 128 MB is plenty for one call.
	UserSignupFunction = Function{
		Name: UserSignup, MemoryMB: 128, Timeout: 5 * time.Second,
		Description: "records each confirmed user in the user table (and repairs a missing record at sign-in)",
		Env:         []Var{UserTableVar, LogLevelVar},
	}
	// StatusQueryFunction answers the HTTP API: a GetItem, one page of a Query, one write of
	// the caller's preferences, or a reporting token's listing, creation or revocation. Users
	// wait for it, so 256 MB for latency; 10 s is well under the HTTP API's 30 s integration
	// limit and fails fast instead of holding a browser. Its reserved concurrency, where turned
	// on, keeps one busy user (or a flood) from starving the other functions of the account's
	// concurrency, and caps what the API can cost DynamoDB: 50 instances at ~20 ms a request
	// serve 2,500 requests a second, above the routes' throttles together (a thousand watchers
	// are 600).
	StatusQueryFunction = Function{
		Name: StatusQuery, MemoryMB: 256, Timeout: 10 * time.Second, ReservedConcurrency: 50,
		Description: "serves a user's jobs and preferences over the HTTP API",
		Env:         []Var{StatusTableVar, UserTableVar, TokensTableVar, CursorSecretVar, CursorSecretPreviousVar, StallWindowVar, LogLevelVar},
	}
	// StatusNotifierFunction e-mails a job's owner when the job ends: per record one GetItem, one
	// SendEmail and one conditional UpdateItem. 128 MB suffices; 60 s covers a batch of
	// StreamBatchSize records with SES and DynamoDB retries.
	StatusNotifierFunction = Function{
		Name: StatusNotifier, MemoryMB: 128, Timeout: 60 * time.Second,
		Description: "e-mails a job's owner when the job succeeds or fails",
		Env:         []Var{StatusTableVar, UserTableVar, NotificationSenderVar, TrackerURLVar, LogLevelVar},
	}
)

// Functions lists every function, in the order of the data flow.
var Functions = []Function{IngestFunction, StatusUpdaterFunction, UserSignupFunction, StatusQueryFunction, StatusNotifierFunction, StallSweepFunction}

// FunctionByName returns the description of the named function.
func FunctionByName(name string) (Function, bool) {
	for _, f := range Functions {
		if f.Name == name {
			return f, true
		}
	}
	return Function{}, false
}
