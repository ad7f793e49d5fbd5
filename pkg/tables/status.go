package tables

import "github.com/trainstatus/trainstatus/pkg/ddb"

// Status is the state of a training job.
type Status string

// The job states. STARTED -> IN_PROGRESS -> SUCCESS or FAILED; the last two are final.
const (
	StatusStarted    Status = "STARTED"
	StatusInProgress Status = "IN_PROGRESS"
	StatusSuccess    Status = "SUCCESS"
	StatusFailed     Status = "FAILED"
)

// Statuses lists every Status, in lifecycle order.
var Statuses = ddb.EnumOf[Status]{StatusStarted, StatusInProgress, StatusSuccess, StatusFailed}

// Valid reports whether s is one of Statuses (it makes Status a ddb.Enum).
func (s Status) Valid() bool { return Statuses.Contains(s) }

// Final reports whether no later event may change a job in this state.
func (s Status) Final() bool { return s == StatusSuccess || s == StatusFailed }

// Attribute names of the status table, for expressions.
const (
	AttrRequestID    = "request_id"
	AttrUserID       = "user_id"
	AttrStatus       = "status"
	AttrTimestamp    = "timestamp"
	AttrUpdatedAt    = "updated_at"
	AttrProgress     = "progress"
	AttrMessage      = "message"
	AttrError        = "error"
	AttrStartedAt    = "started_at"
	AttrInProgressAt = "in_progress_at"
	AttrFinishedAt   = "finished_at"
	AttrLastEvent    = "last_event"
	AttrExpiresAt    = "expires_at"
)

// IndexByUser is the status table's GSI: a user's jobs, ordered by updated_at.
const IndexByUser = "by_user"

// StatusItem is one training job in the status table: the "pizza tracker" record. Times are
// ddb.TimeLayout strings.
type StatusItem struct {
	RequestID string `dynamodbav:"request_id" json:"request_id"`
	UserID    string `dynamodbav:"user_id" json:"-"`
	Status    Status `dynamodbav:"status" json:"status"`
	// Timestamp is when the job started: the STARTED event's time or, until one is applied, the
	// earliest event time seen.
	Timestamp string `dynamodbav:"timestamp" json:"timestamp"`
	// UpdatedAt is the event time of the last applied event.
	UpdatedAt string `dynamodbav:"updated_at" json:"updated_at"`
	// Progress, Message and Error describe the last applied event.
	Progress     *float64 `dynamodbav:"progress,omitempty" json:"progress,omitempty"`
	Message      string   `dynamodbav:"message,omitempty" json:"message,omitempty"`
	Error        string   `dynamodbav:"error,omitempty" json:"error,omitempty"`
	StartedAt    string   `dynamodbav:"started_at,omitempty" json:"started_at,omitempty"`
	InProgressAt string   `dynamodbav:"in_progress_at,omitempty" json:"in_progress_at,omitempty"`
	FinishedAt   string   `dynamodbav:"finished_at,omitempty" json:"finished_at,omitempty"`
	// LastEvent orders events: the last applied event's OrderKey (event time, then seq).
	LastEvent string `dynamodbav:"last_event" json:"-"`
	// ExpiresAt is the TTL, in epoch seconds.
	ExpiresAt int64 `dynamodbav:"expires_at,omitempty" json:"-"`
}

// StatusSchema is the status table's definition.
var StatusSchema = ddb.MustSchema[StatusItem](ddb.Definition{
	PartitionKey: AttrRequestID,
	GSIs: []ddb.GSI{
		{Name: IndexByUser, PartitionKey: AttrUserID, SortKey: AttrUpdatedAt, Projection: ddb.ProjectAll},
	},
	TTL: AttrExpiresAt,
})

// EnvStatusTable names the environment variable that holds the status table's name.
const EnvStatusTable = "STATUS_TABLE_NAME"
