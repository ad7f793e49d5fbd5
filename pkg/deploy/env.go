package deploy

// Resource is something a deployment creates and hands to a function through an environment
// variable: each rendering resolves it (infra to a CloudFormation reference, the local stack to its
// emulator's value).
type Resource string

// The resources functions are given.
const (
	StatusTableName    Resource = "status table name"
	UserTableName      Resource = "user table name"
	DeadLetterQueueURL Resource = "dead-letter queue URL"
	CursorKey          Resource = "cursor signing key"
	// CursorKeyPrevious is the key before the last rotation: cursors it signed are still
	// accepted until they expire, so a rotation breaks no open page.
	CursorKeyPrevious  Resource = "previous cursor signing key"
	NotificationSender Resource = "notification sender address"
	TrackerPageURL     Resource = "tracker page URL"
)

// Var is one environment variable of a function: bound to a Resource, or a setting with a Default
// a deployment may override.
type Var struct {
	Name     string
	Resource Resource
	Default  string
}

// IsSetting reports whether v is a setting rather than a resource.
func (v Var) IsSetting() bool { return v.Resource == "" }

// The variables. Names are the functions' contract: the functions read them by these names.
var (
	StatusTableVar     = Var{Name: "STATUS_TABLE_NAME", Resource: StatusTableName}
	UserTableVar       = Var{Name: "USER_TABLE_NAME", Resource: UserTableName}
	DeadLetterQueueVar = Var{Name: "DEAD_LETTER_QUEUE_URL", Resource: DeadLetterQueueURL}
	// CursorSecretVar: status-query signs page cursors with it (HMAC-SHA256, at least
	// CursorSecretMinBytes).
	CursorSecretVar = Var{Name: "CURSOR_SECRET", Resource: CursorKey}
	// CursorSecretPreviousVar: the key before the last rotation, accepted (never used to sign)
	// until the cursors it signed expire. Empty when there was no rotation.
	CursorSecretPreviousVar = Var{Name: "CURSOR_SECRET_PREVIOUS", Resource: CursorKeyPrevious}
	NotificationSenderVar   = Var{Name: "NOTIFICATION_SENDER", Resource: NotificationSender}
	// TrackerURLVar: the page's base URL; a job's link is TRACKER_URL/jobs/{request_id}.
	TrackerURLVar = Var{Name: "TRACKER_URL", Resource: TrackerPageURL}

	// LogLevelVar: debug, info, warn or error.
	LogLevelVar = Var{Name: "LOG_LEVEL", Default: "info"}
	// RequestConcurrencyVar: how many requests (jobs) status-updater works on at once within one
	// batch; the messages of one request are always applied in order.
	RequestConcurrencyVar = Var{Name: "REQUEST_CONCURRENCY", Default: "10"}
	// StallWindowVar: how long a job that is not final may be silent before the API shows it as
	// stalled (a Go duration).
	StallWindowVar = Var{Name: "STALL_WINDOW", Default: "15m"}
)

// CursorSecretMinBytes is the shortest cursor signing key status-query accepts.
const CursorSecretMinBytes = 32
