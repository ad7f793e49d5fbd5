package statusapi

import "github.com/trainstatus/trainstatus/pkg/job"

// Job is one training job as the API shows it (GET /status/{request_id}, and each item of a list).
// Times are job.TimeLayout strings.
type Job struct {
	RequestID string `json:"request_id"`
	// Name is the job's display name, when its events gave one (the request id otherwise names it).
	Name   string     `json:"name,omitempty"`
	Status job.Status `json:"status"`
	// Timestamp is when the job started; lists are sorted by it, newest first.
	Timestamp string `json:"timestamp"`
	// UpdatedAt is the event time of the last applied event: when the job was last heard from.
	UpdatedAt string `json:"updated_at"`
	// Progress (0-100), Message and Error describe the last applied event; a FAILED job whose
	// failure carried no progress keeps the latest progress reported, to show how far it got.
	Progress     *float64 `json:"progress,omitempty"`
	Message      string   `json:"message,omitempty"`
	Error        string   `json:"error,omitempty"`
	StartedAt    string   `json:"started_at,omitempty"`
	InProgressAt string   `json:"in_progress_at,omitempty"`
	FinishedAt   string   `json:"finished_at,omitempty"`
	// ETA is the estimated finish (job.EstimateFinish), once the job has reported progress at two
	// different times and while it is not final. It depends on stored fields only, so a job's
	// body, and its ETag, change only when an event changes the job (or it stalls).
	ETA string `json:"eta,omitempty"`
	// Stalled is true when the job is not final and has been silent longer than
	// StallWindowSeconds (job.Stalled).
	Stalled bool `json:"stalled,omitempty"`
	// StallWindowSeconds is the job's stall window (its own stall_after_seconds, else the
	// server's), so a client can say how long a job may be silent.
	StallWindowSeconds int64 `json:"stall_window_seconds"`
}

// JobList is one page of the caller's jobs (GET /status).
type JobList struct {
	Items []Job `json:"items"`
	// NextCursor, when not empty, reads the next page (?cursor=).
	NextCursor string `json:"next_cursor,omitempty"`
}

// Preferences are the caller's settings (GET and PUT /me/preferences).
type Preferences struct {
	// EmailNotifications: e-mail me when a job ends (default true).
	EmailNotifications bool `json:"email_notifications"`
}

// PreferencesUpdate is the body of PUT /me/preferences: the settings to change.
type PreferencesUpdate struct {
	EmailNotifications *bool `json:"email_notifications"`
}

// ErrorBody is every error answer: {"error": {"code": "...", "message": "..."}}.
type ErrorBody struct {
	Error ErrorDetail `json:"error"`
}

// ErrorDetail says what went wrong: a stable code for programs and a message for people.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}
