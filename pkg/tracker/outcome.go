package tracker

import (
	"errors"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Outcome is what Apply did with an event.
type Outcome string

// The outcomes. All of them mean the event is done with: none needs a retry.
const (
	// Applied: the event was the newest and its transition allowed; the record shows it.
	Applied Outcome = "applied"
	// Filled: a late event filled a missing (or later) stage time or start time.
	Filled Outcome = "filled"
	// Stale: a late event with nothing left to fill.
	Stale Outcome = "stale"
	// Duplicate: the event is the one last applied.
	Duplicate Outcome = "duplicate"
	// Refused: a newer event whose transition is not allowed (after a final state, or back to
	// STARTED).
	Refused Outcome = "refused"
)

// Result is an Outcome with the reason, for the log.
type Result struct {
	Outcome Outcome
	Reason  string
}

// ErrConcurrentUpdate: a late event's fill lost a race with another writer. Retrying it is safe
// and converges.
var ErrConcurrentUpdate = errors.New("tracker: record changed while filling a late event; retry")

// stageAttribute is the stage time an event of status s sets.
func stageAttribute(s job.Status) string {
	switch s {
	case job.Started:
		return tables.AttrStartedAt
	case job.InProgress:
		return tables.AttrInProgressAt
	default:
		return tables.AttrFinishedAt
	}
}

func stageValue(item tables.StatusItem, s job.Status) string {
	switch s {
	case job.Started:
		return item.StartedAt
	case job.InProgress:
		return item.InProgressAt
	default:
		return item.FinishedAt
	}
}
