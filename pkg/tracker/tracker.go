package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// DefaultRetention is how long a job's record is kept after its last event (the TTL).
const DefaultRetention = 90 * 24 * time.Hour

// Tracker applies events to a status table.
type Tracker struct {
	table     *ddb.Table[tables.StatusItem]
	retention time.Duration
}

// New returns a Tracker over table that keeps records for retention after their last event
// (DefaultRetention if zero).
func New(table *ddb.Table[tables.StatusItem], retention time.Duration) *Tracker {
	if retention <= 0 {
		retention = DefaultRetention
	}
	return &Tracker{table: table, retention: retention}
}

// Apply applies a valid event (from trainevent.Parse). It returns the outcome, or an error:
// ErrOwnerMismatch (permanent), ErrConcurrentUpdate (retry), or a ddb error (ddb.IsRetryable
// tells which).
func (tr *Tracker) Apply(ctx context.Context, ev trainevent.Event) (Result, error) {
	err := tr.applyInOrder(ctx, ev)
	if err == nil {
		return Result{Outcome: Applied, Reason: fmt.Sprintf("now %s", ev.Status)}, nil
	}
	current, ok := ddb.CurrentItem[tables.StatusItem](err)
	if !ok {
		return Result{}, err
	}
	if current.UserID != ev.UserID {
		return Result{}, fmt.Errorf("%w: request %s", ErrOwnerMismatch, ev.RequestID)
	}
	order := ev.OrderKey()
	switch {
	case order == current.LastEvent && sameEvent(ev, current):
		return Result{Outcome: Duplicate, Reason: "same event as the last applied"}, nil
	case ev.Status.Final() && !current.Status.Final():
		// In order, this final event would have ended the job and refused what came after it.
		return tr.finishLate(ctx, ev, current)
	case ev.Status.Final():
		return Result{Outcome: Refused, Reason: fmt.Sprintf("the job already ended %s; the first final event to arrive wins", current.Status)}, nil
	case order == current.LastEvent:
		return Result{Outcome: Refused, Reason: "another event with the same event_time and seq was applied"}, nil
	case order > current.LastEvent:
		return Result{Outcome: Refused, Reason: fmt.Sprintf("%s -> %s is not allowed", current.Status, ev.Status)}, nil
	}
	return tr.fillLate(ctx, ev, current)
}

// sameEvent reports whether ev is the event the record last applied (a redelivery, or the same
// report sent twice), as far as the record can tell.
func sameEvent(ev trainevent.Event, item tables.StatusItem) bool {
	progress := eventProgress(ev)
	return item.Status == ev.Status && item.Message == ev.Message && item.Error == ev.Error &&
		(progress == nil) == (item.Progress == nil) && (progress == nil || *progress == *item.Progress)
}

// eventProgress is the progress an event records: its own, or 100 for a SUCCESS without one.
func eventProgress(ev trainevent.Event) *float64 {
	if ev.Progress == nil && ev.Status == tables.StatusSuccess {
		full := 100.0
		return &full
	}
	return ev.Progress
}

// applyInOrder is the one write for an event that is the newest: it creates the record or moves
// it forward, on the condition that the record is new, or has the same owner, an older last
// event and a state from which this transition is allowed.
func (tr *Tracker) applyInOrder(ctx context.Context, ev trainevent.Event) error {
	at := ddb.FormatTime(ev.EventTime)
	u := tr.table.Update(ddb.Key{Partition: ev.RequestID}).Upsert().
		Set(tables.AttrUserID, ev.UserID).
		Set(tables.AttrStatus, ev.Status).
		Set(tables.AttrUpdatedAt, at).
		Set(tables.AttrLastEvent, ev.OrderKey()).
		Set(tables.AttrExpiresAt, ev.EventTime.Add(tr.retention).Unix()).
		SetIfNotExists(stageAttribute(ev.Status), at)
	if ev.Status == tables.StatusStarted {
		u.Set(tables.AttrTimestamp, at)
	} else {
		u.SetIfNotExists(tables.AttrTimestamp, at)
	}
	setEventFields(u, ev)

	isNew := expression.AttributeNotExists(expression.Name(tables.AttrRequestID))
	if from := allowedFrom[ev.Status]; len(from) > 0 {
		states := make([]expression.OperandBuilder, 0, len(from))
		for _, s := range from {
			states = append(states, expression.Value(s))
		}
		moves := expression.Name(tables.AttrUserID).Equal(expression.Value(ev.UserID)).
			And(expression.Name(tables.AttrLastEvent).LessThan(expression.Value(ev.OrderKey()))).
			And(expression.Name(tables.AttrStatus).In(states[0], states[1:]...))
		isNew = isNew.Or(moves)
	}
	return u.If(isNew).Run(ctx)
}

// setEventFields writes what describes the last applied event: progress, message, error.
func setEventFields(u *ddb.Update[tables.StatusItem], ev trainevent.Event) {
	progress := eventProgress(ev)
	setOrRemove(u, tables.AttrProgress, progress != nil, progress)
	setOrRemove(u, tables.AttrMessage, ev.Message != "", ev.Message)
	setOrRemove(u, tables.AttrError, ev.Error != "", ev.Error)
}

func setOrRemove(u *ddb.Update[tables.StatusItem], name string, set bool, value any) {
	if set {
		u.Set(name, value)
	} else {
		u.Remove(name)
	}
}

// fillLate writes what a late event may still change: its stage time, when missing or later,
// and the start time. The condition re-checks, on the server, what the decision was based on.
func (tr *Tracker) fillLate(ctx context.Context, ev trainevent.Event, current tables.StatusItem) (Result, error) {
	at := ddb.FormatTime(ev.EventTime)
	u := tr.table.Update(ddb.Key{Partition: ev.RequestID})
	cond := expression.Name(tables.AttrUserID).Equal(expression.Value(ev.UserID))
	var filled []string

	stage := stageAttribute(ev.Status)
	if v := stageValue(current, ev.Status); v == "" || at < v {
		u.Set(stage, at)
		cond = cond.And(expression.AttributeNotExists(expression.Name(stage)).
			Or(expression.Name(stage).GreaterThan(expression.Value(at))))
		filled = append(filled, stage)
	}
	switch {
	case ev.Status == tables.StatusStarted && current.Timestamp != at && (current.StartedAt == "" || at < current.StartedAt):
		// The STARTED time is the start, whatever earlier event set timestamp before.
		u.Set(tables.AttrTimestamp, at)
		filled = append(filled, tables.AttrTimestamp)
	case ev.Status != tables.StatusStarted && current.StartedAt == "" && at < current.Timestamp:
		u.Set(tables.AttrTimestamp, at)
		cond = cond.And(expression.AttributeNotExists(expression.Name(tables.AttrStartedAt))).
			And(expression.Name(tables.AttrTimestamp).GreaterThan(expression.Value(at)))
		filled = append(filled, tables.AttrTimestamp)
	}
	if len(filled) == 0 {
		return Result{Outcome: Stale, Reason: "older than the last applied event; nothing to fill"}, nil
	}
	err := u.If(cond).Run(ctx)
	if errors.Is(err, ddb.ErrConditionFailed) {
		return Result{}, fmt.Errorf("%w: request %s", ErrConcurrentUpdate, ev.RequestID)
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Outcome: Filled, Reason: fmt.Sprintf("late event filled %v", filled)}, nil
}

// finishLate applies a final event that arrives after newer progress events of a job that is not
// final yet. Delivered in order, the final event would have ended the job and every later event
// would have been refused; so the record becomes what that gives: the final state, this event as
// the last applied one, and no stage time later than it (those came from the refused events;
// earlier ones still missing are filled when their events arrive). The condition re-checks, on the
// server, that the record is still the one this decision was made on.
func (tr *Tracker) finishLate(ctx context.Context, ev trainevent.Event, current tables.StatusItem) (Result, error) {
	at := ddb.FormatTime(ev.EventTime)
	u := tr.table.Update(ddb.Key{Partition: ev.RequestID}).
		Set(tables.AttrStatus, ev.Status).
		Set(tables.AttrUpdatedAt, at).
		Set(tables.AttrLastEvent, ev.OrderKey()).
		Set(tables.AttrExpiresAt, ev.EventTime.Add(tr.retention).Unix()).
		Set(tables.AttrFinishedAt, at)
	setEventFields(u, ev)
	started := current.StartedAt
	if started > at {
		u.Remove(tables.AttrStartedAt)
		started = ""
	}
	if current.InProgressAt > at {
		u.Remove(tables.AttrInProgressAt)
	}
	if started == "" && at < current.Timestamp {
		u.Set(tables.AttrTimestamp, at)
	}
	states := []expression.OperandBuilder{expression.Value(tables.StatusStarted), expression.Value(tables.StatusInProgress)}
	cond := expression.Name(tables.AttrUserID).Equal(expression.Value(ev.UserID)).
		And(expression.Name(tables.AttrLastEvent).Equal(expression.Value(current.LastEvent))).
		And(expression.Name(tables.AttrStatus).In(states[0], states[1:]...))
	err := u.If(cond).Run(ctx)
	if errors.Is(err, ddb.ErrConditionFailed) {
		return Result{}, fmt.Errorf("%w: request %s", ErrConcurrentUpdate, ev.RequestID)
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Outcome: Applied, Reason: fmt.Sprintf("now %s (a final event that arrived after newer progress)", ev.Status)}, nil
}
