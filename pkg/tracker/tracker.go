package tracker

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// DefaultRetention is how long a job's record is kept after its last event (the TTL).
const DefaultRetention = 90 * 24 * time.Hour

// Tracker applies events to a status table.
type Tracker struct {
	table     *ddb.Table[tables.StatusItem]
	retention time.Duration
	now       func() time.Time
}

// Option configures a Tracker.
type Option func(*Tracker)

// WithClock makes the tracker read the time from now instead of time.Now: tests fix it, so that
// the TTL and the event time window do not depend on when they run.
func WithClock(now func() time.Time) Option { return func(tr *Tracker) { tr.now = now } }

// New returns a Tracker over table that keeps records for retention after their last event
// (DefaultRetention if zero).
func New(table *ddb.Table[tables.StatusItem], retention time.Duration, opts ...Option) *Tracker {
	if retention <= 0 {
		retention = DefaultRetention
	}
	tr := &Tracker{table: table, retention: retention, now: time.Now}
	for _, o := range opts {
		o(tr)
	}
	return tr
}

// Apply applies a valid event (from trainevent.Parse) to the job (event's user, event's request).
// It returns the outcome, or an error: ErrFutureEvent or ErrExpiredEvent (the event time is
// outside the window, see checkTime: no retry can fix it), ErrConcurrentUpdate (retry), or a ddb
// error (ddb.IsRetryable tells which).
func (tr *Tracker) Apply(ctx context.Context, ev trainevent.Event) (Result, error) {
	now := tr.now()
	if err := tr.checkTime(ev, now); err != nil {
		return Result{}, err
	}
	err := tr.applyInOrder(ctx, ev, now)
	if err == nil {
		return Result{Outcome: Applied, Reason: fmt.Sprintf("now %s", ev.Status)}, nil
	}
	current, ok := ddb.CurrentItem[tables.StatusItem](err)
	if !ok {
		return Result{}, err
	}
	order := ev.OrderKey()
	switch {
	case order == current.LastEvent && sameEvent(ev, current):
		return Result{Outcome: Duplicate, Reason: "same event as the last applied"}, nil
	case ev.Status.Final() && !current.Status.Final():
		// In order, this final event would have ended the job and refused what came after it.
		return tr.finishLate(ctx, ev, current, now)
	case ev.Status.Final():
		return Result{Outcome: Refused, Reason: fmt.Sprintf("the job already ended %s; the first final event to arrive wins", current.Status)}, nil
	case order == current.LastEvent:
		return tr.refuseReport(ctx, ev, current, "another event with the same event_time and seq was applied")
	case order > current.LastEvent:
		return tr.refuseReport(ctx, ev, current, fmt.Sprintf("%s -> %s is not allowed", current.Status, ev.Status))
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
	if ev.Progress == nil && ev.Status == job.Success {
		full := 100.0
		return &full
	}
	return ev.Progress
}

// applyInOrder is the one write for an event that is the newest: it creates the record or moves
// it forward, on the condition that the record is new, or has an older last event and a state
// from which this transition is allowed.
func (tr *Tracker) applyInOrder(ctx context.Context, ev trainevent.Event, now time.Time) error {
	at := job.FormatTime(ev.EventTime)
	u := tr.table.Update(key(ev)).Upsert().
		Set(tables.AttrStatus, ev.Status).
		Set(tables.AttrUpdatedAt, at).
		Set(tables.AttrLastEvent, ev.OrderKey()).
		Set(tables.AttrExpiresAt, tr.expiresAt(ev, now)).
		SetIfNotExists(stageAttribute(ev.Status), at)
	if ev.Status == job.Started {
		u.Set(tables.AttrTimestamp, at)
	} else {
		u.SetIfNotExists(tables.AttrTimestamp, at)
	}
	setEventFields(u, ev)
	setOpen(u, ev)
	if isReport(ev) {
		// The earliest report, for the ETA: in order, the first one sets it; the newest is the
		// latest report (a later one would have been refused: the job would be final).
		u.SetIfNotExists(tables.AttrFirstReport, ev.OrderKey()).SetIfNotExists(tables.AttrFirstReportProgress, *ev.Progress).
			Set(tables.AttrLastReport, ev.OrderKey()).Set(tables.AttrLastReportProgress, *ev.Progress)
	}

	isNew := expression.AttributeNotExists(expression.Name(tables.AttrRequestID))
	if from := job.AllowedFrom(ev.Status); len(from) > 0 {
		moves := expression.Name(tables.AttrLastEvent).LessThan(expression.Value(ev.OrderKey())).
			And(statusIn(from))
		isNew = isNew.Or(moves)
	}
	return u.If(isNew).Run(ctx)
}

// isReport reports whether ev is a progress report, one of the points the ETA is estimated from.
func isReport(ev trainevent.Event) bool { return ev.Status == job.InProgress && ev.Progress != nil }

// key is the status table key of the event's job.
func key(ev trainevent.Event) ddb.Key { return tables.StatusKey(ev.UserID, ev.RequestID) }

// statusIn is the condition "the job's status is one of states" (states is not empty).
func statusIn(states []job.Status) expression.ConditionBuilder {
	values := make([]expression.OperandBuilder, 0, len(states))
	for _, s := range states {
		values = append(values, expression.Value(s))
	}
	return expression.Name(tables.AttrStatus).In(values[0], values[1:]...)
}

// setEventFields writes what describes the last applied event: progress, message, error; and
// the job's name and stall window when the event gives them (an event without them, such as a
// heartbeat from a reporter that sent the name once, leaves them as they are).
func setEventFields(u *ddb.Update[tables.StatusItem], ev trainevent.Event) {
	progress := eventProgress(ev)
	setOrRemove(u, tables.AttrProgress, progress != nil, progress)
	setOrRemove(u, tables.AttrMessage, ev.Message != "", ev.Message)
	setOrRemove(u, tables.AttrError, ev.Error != "", ev.Error)
	if ev.Name != "" {
		u.Set(tables.AttrName, ev.Name)
	}
	if ev.StallAfter > 0 {
		u.Set(tables.AttrStallAfter, int64(ev.StallAfter/time.Second))
	}
}

// setOpen keeps the stall bookkeeping of the job in the event's write (no write of its own): the
// job is in tables.IndexOpen exactly while it is not final, and any event applied in order ends
// the current silence, so the stall episode the sweep may have recorded is over (removing an
// absent attribute changes nothing, and so writes no index).
func setOpen(u *ddb.Update[tables.StatusItem], ev trainevent.Event) {
	setOrRemove(u, tables.AttrOpenShard, !ev.Status.Final(), tables.OpenShard(ev.UserID, ev.RequestID))
	u.Remove(tables.AttrStallAlertedFor)
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
	at := job.FormatTime(ev.EventTime)
	u := tr.table.Update(key(ev))
	cond := expression.AttributeExists(expression.Name(tables.AttrRequestID))
	var filled []string

	stage := stageAttribute(ev.Status)
	if v := stageValue(current, ev.Status); v == "" || at < v {
		u.Set(stage, at)
		cond = cond.And(expression.AttributeNotExists(expression.Name(stage)).
			Or(expression.Name(stage).GreaterThan(expression.Value(at))))
		filled = append(filled, stage)
	}
	switch {
	case ev.Status == job.Started && current.Timestamp != at && (current.StartedAt == "" || at < current.StartedAt):
		// The STARTED time is the start, whatever earlier event set timestamp before.
		u.Set(tables.AttrTimestamp, at)
		filled = append(filled, tables.AttrTimestamp)
	case ev.Status != job.Started && current.StartedAt == "" && at < current.Timestamp:
		u.Set(tables.AttrTimestamp, at)
		cond = cond.And(expression.AttributeNotExists(expression.Name(tables.AttrStartedAt))).
			And(expression.Name(tables.AttrTimestamp).GreaterThan(expression.Value(at)))
		filled = append(filled, tables.AttrTimestamp)
	}
	if order := ev.OrderKey(); isReport(ev) && (current.FirstReport == "" || order < current.FirstReport) {
		u.Set(tables.AttrFirstReport, order).Set(tables.AttrFirstReportProgress, *ev.Progress)
		cond = cond.And(expression.AttributeNotExists(expression.Name(tables.AttrFirstReport)).
			Or(expression.Name(tables.AttrFirstReport).GreaterThan(expression.Value(order))))
		filled = append(filled, tables.AttrFirstReport)
	}
	if order := ev.OrderKey(); isReport(ev) && order > current.LastReport {
		u.Set(tables.AttrLastReport, order).Set(tables.AttrLastReportProgress, *ev.Progress)
		cond = cond.And(laterReport(order))
		filled = append(filled, tables.AttrLastReport)
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

// laterReport is the condition "the stored latest report is older than order, or there is none".
func laterReport(order string) expression.ConditionBuilder {
	return expression.AttributeNotExists(expression.Name(tables.AttrLastReport)).
		Or(expression.Name(tables.AttrLastReport).LessThan(expression.Value(order)))
}

// refuseReport refuses an event whose transition is not allowed; a progress report later than the
// stored latest one still becomes the latest report (last_report), so that the record keeps the
// latest of every report whatever the order of delivery. A concurrent later report wins.
func (tr *Tracker) refuseReport(ctx context.Context, ev trainevent.Event, current tables.StatusItem, reason string) (Result, error) {
	order := ev.OrderKey()
	if !isReport(ev) || order <= current.LastReport {
		return Result{Outcome: Refused, Reason: reason}, nil
	}
	err := tr.table.Update(key(ev)).
		Set(tables.AttrLastReport, order).Set(tables.AttrLastReportProgress, *ev.Progress).
		If(expression.AttributeExists(expression.Name(tables.AttrRequestID)).And(laterReport(order))).
		Run(ctx)
	if err != nil && !errors.Is(err, ddb.ErrConditionFailed) {
		return Result{}, err
	}
	return Result{Outcome: Refused, Reason: reason + "; its progress kept as the latest reported"}, nil
}

// finishLate applies a final event that arrives after newer progress events of a job that is not
// final yet. Delivered in order, the final event would have ended the job and every later event
// would have been refused; so the record becomes what that gives: the final state, this event as
// the last applied one, and no stage time later than it (those came from the refused events;
// earlier ones still missing are filled when their events arrive). The condition re-checks, on the
// server, that the record is still the one this decision was made on.
func (tr *Tracker) finishLate(ctx context.Context, ev trainevent.Event, current tables.StatusItem, now time.Time) (Result, error) {
	at := job.FormatTime(ev.EventTime)
	u := tr.table.Update(key(ev)).
		Set(tables.AttrStatus, ev.Status).
		Set(tables.AttrUpdatedAt, at).
		Set(tables.AttrLastEvent, ev.OrderKey()).
		Set(tables.AttrExpiresAt, tr.expiresAt(ev, now)).
		Set(tables.AttrFinishedAt, at)
	setEventFields(u, ev)
	setOpen(u, ev)
	started := current.StartedAt
	if started > at {
		u.Remove(tables.AttrStartedAt)
		started = ""
	}
	if current.InProgressAt > at {
		u.Remove(tables.AttrInProgressAt)
	}
	if current.FirstReport > ev.OrderKey() {
		u.Remove(tables.AttrFirstReport).Remove(tables.AttrFirstReportProgress)
	}
	if started == "" && at < current.Timestamp {
		u.Set(tables.AttrTimestamp, at)
	}
	cond := expression.Name(tables.AttrLastEvent).Equal(expression.Value(current.LastEvent)).
		And(statusIn(job.AllowedFrom(ev.Status)))
	err := u.If(cond).Run(ctx)
	if errors.Is(err, ddb.ErrConditionFailed) {
		return Result{}, fmt.Errorf("%w: request %s", ErrConcurrentUpdate, ev.RequestID)
	}
	if err != nil {
		return Result{}, err
	}
	return Result{Outcome: Applied, Reason: fmt.Sprintf("now %s (a final event that arrived after newer progress)", ev.Status)}, nil
}
