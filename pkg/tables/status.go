package tables

import (
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
)

// Attribute names of the status table, for expressions.
const (
	AttrUserID              = "user_id"
	AttrRequestID           = "request_id"
	AttrStatus              = "status"
	AttrTimestamp           = "timestamp"
	AttrUpdatedAt           = "updated_at"
	AttrProgress            = "progress"
	AttrMessage             = "message"
	AttrError               = "error"
	AttrStartedAt           = "started_at"
	AttrInProgressAt        = "in_progress_at"
	AttrFinishedAt          = "finished_at"
	AttrFirstReport         = "first_report"
	AttrFirstReportProgress = "first_report_progress"
	AttrLastReport          = "last_report"
	AttrLastReportProgress  = "last_report_progress"
	AttrLastEvent           = "last_event"
	AttrExpiresAt           = "expires_at"
	AttrNotifiedAt          = "notified_at"
	AttrName                = "name"
	AttrStallAfter          = "stall_after_seconds"
	AttrDelivered           = "delivered"
)

// IndexByStarted is the status table's local secondary index: one user's jobs by start time. The
// sort key is the start, not the last update, on purpose: a progress event leaves the index key
// alone (one index write per event instead of a delete and a put), a user's list keeps a stable
// order while they watch it, and paging never skips or repeats a job that moved meanwhile. Being
// local, it may be read with strong consistency.
const IndexByStarted = "by_started"

// StatusItem is one training job in the status table: the "pizza tracker" record, keyed by its
// owner and its name, so two users may each have a job called job-123. Times are job.TimeLayout
// strings. It carries storage tags only: the HTTP API's body is pkg/statusapi's Job.
type StatusItem struct {
	UserID    string     `dynamodbav:"user_id"`
	RequestID string     `dynamodbav:"request_id"`
	Status    job.Status `dynamodbav:"status"`
	// Timestamp is when the job started: the STARTED event's time or, until one is applied, the
	// earliest event time seen. It sorts the by_started index.
	Timestamp string `dynamodbav:"timestamp"`
	// UpdatedAt is the event time of the last applied event: when the job was last heard from.
	UpdatedAt string `dynamodbav:"updated_at"`
	// Progress, Message and Error describe the last applied event.
	Progress     *float64 `dynamodbav:"progress,omitempty"`
	Message      string   `dynamodbav:"message,omitempty"`
	Error        string   `dynamodbav:"error,omitempty"`
	StartedAt    string   `dynamodbav:"started_at,omitempty"`
	InProgressAt string   `dynamodbav:"in_progress_at,omitempty"`
	FinishedAt   string   `dynamodbav:"finished_at,omitempty"`
	// FirstReport and FirstReportProgress are the job's earliest progress report (its order key,
	// as in LastEvent, and its progress): with the last one (UpdatedAt, Progress) they give the
	// job's rate, and so its ETA, from stored fields alone. Like stage times, a late, earlier
	// report moves them earlier.
	FirstReport         string   `dynamodbav:"first_report,omitempty"`
	FirstReportProgress *float64 `dynamodbav:"first_report_progress,omitempty"`
	// LastReport and LastReportProgress are the job's latest progress report by order key, of
	// every report delivered (also one refused because the job had ended): what a FAILED job got
	// to when its failure carried no progress. The latest of all is the one value that does not
	// depend on the order of delivery.
	LastReport         string   `dynamodbav:"last_report,omitempty"`
	LastReportProgress *float64 `dynamodbav:"last_report_progress,omitempty"`
	// LastEvent orders events: the last applied event's OrderKey (event time, then seq).
	LastEvent string `dynamodbav:"last_event"`
	// ExpiresAt is the TTL, in epoch seconds.
	ExpiresAt int64 `dynamodbav:"expires_at,omitempty"`
	// NotifiedAt is when status-notifier e-mailed the owner that the job ended.
	NotifiedAt string `dynamodbav:"notified_at,omitempty"`
	// Name is the job's display name, the last one an applied event gave (events without one
	// leave it as it is).
	Name string `dynamodbav:"name,omitempty"`
	// StallAfterSeconds is the job's own stall window (0: the deployment's), set like Name.
	StallAfterSeconds int64 `dynamodbav:"stall_after_seconds,omitempty"`
	// OpenShard puts the job in IndexOpen while it is not final (see there).
	OpenShard string `dynamodbav:"open_shard,omitempty"`
	// StallAlertedFor is the updated_at of the silence the stall sweep alerted (one alert per
	// episode); any newer applied event removes it.
	StallAlertedFor string `dynamodbav:"stall_alerted_for,omitempty"`
	// StallNotifiedFor is the stall episode the notifier delivered (its mark, like NotifiedAt).
	StallNotifiedFor string `dynamodbav:"stall_notified_for,omitempty"`
	// Delivered marks the alerts sent to channels other than email (whose mark is NotifiedAt or
	// StallNotifiedFor): one "<trigger>/<channel>[/<episode>]" per delivery (alerts.Mark).
	Delivered []string `dynamodbav:"delivered,omitempty,stringset"`
}

// StatusKey returns the status table key of the job (user, request).
func StatusKey(userID, requestID string) ddb.Key {
	return ddb.Key{Partition: userID, Sort: requestID}
}

// StatusSchema is the status table's definition. Its stream (new and old images) feeds
// status-notifier.
var StatusSchema = ddb.MustSchema[StatusItem](ddb.Definition{
	PartitionKey: AttrUserID,
	SortKey:      AttrRequestID,
	LSIs: []ddb.LSI{
		{Name: IndexByStarted, SortKey: AttrTimestamp, Projection: ddb.ProjectAll},
	},
	GSIs: []ddb.GSI{
		{Name: IndexOpen, PartitionKey: AttrOpenShard, SortKey: AttrTimestamp, Projection: ddb.ProjectKeysOnly},
	},
	TTL:    AttrExpiresAt,
	Stream: ddb.StreamNewAndOldImages,
})
