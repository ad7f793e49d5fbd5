package main

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// DeadlineMargin is the time left before the invocation's deadline under which no new record is
// started: the rest are reported for retry rather than cut off half-way.
const DeadlineMargin = 10 * time.Second

// Handler e-mails owners of jobs that ended. It is plain Go: main wires it to the tables and SES,
// tests to DynamoDB Local and the SES emulator.
type Handler struct {
	Jobs   *ddb.Table[tables.StatusItem]
	Users  *ddb.Table[tables.UserItem]
	Mailer Mailer
	// Poster posts Slack and webhook alerts; Limiter bounds them per user (nil: no bound).
	Poster  Poster
	Limiter *alerts.Limiter
	Page    string // the tracker page's base URL
	Log     *slog.Logger
	Metrics *emf.Writer
	Now     func() time.Time
}

// Handle works through the batch in stream order, one record at a time. A record that fails for a
// reason that may pass (throttling, 5xx, a timeout) is reported in batchItemFailures by its
// sequence number, and the batch stops there: the event source retries from that record on, so
// the records after it are not started now (they come back with it, in order).
func (h *Handler) Handle(ctx context.Context, ev events.DynamoDBEvent) (events.DynamoDBEventResponse, error) {
	start := time.Now()
	log := lambdalog.ForInvocation(ctx, h.Log)
	counts := map[Outcome]int64{}
	var resp events.DynamoDBEventResponse
	for _, rec := range ev.Records {
		seq := rec.Change.SequenceNumber
		if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < DeadlineMargin {
			log.Warn("out of time: the rest of the batch comes back", "sequence_number", seq, "outcome", Failed)
			counts[Failed]++
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
			break
		}
		r := h.notify(ctx, rec)
		counts[r.outcome]++
		attrs := []any{"sequence_number", seq, "event_name", rec.EventName, "outcome", r.outcome, "reason", r.reason}
		if r.item.RequestID != "" {
			attrs = append(attrs, "user_id", r.item.UserID, "request_id", r.item.RequestID, "status", r.item.Status)
		}
		if r.err != nil {
			attrs = append(attrs, "error", r.err.Error())
		}
		switch r.outcome {
		case Failed:
			log.Error("record", attrs...)
		case Refused:
			log.Warn("record", attrs...)
		default:
			log.Info("record", attrs...)
		}
		if r.outcome == Failed {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq})
			break
		}
	}
	metrics := make([]emf.Metric, 0, len(Outcomes)+2)
	for _, o := range Outcomes {
		metrics = append(metrics, emf.Metric{Name: string(o), Value: counts[o], Unit: emf.Count})
	}
	metrics = append(metrics, emf.Metric{Name: "Records", Value: int64(len(ev.Records)), Unit: emf.Count},
		emf.Metric{Name: "DurationMs", Value: time.Since(start).Milliseconds(), Unit: emf.Milliseconds})
	h.Metrics.Write(metrics...)
	return resp, nil
}

// result is what became of one record, and why.
type result struct {
	outcome Outcome
	reason  string
	item    tables.StatusItem
	err     error
}

// notify handles one record: decide, read the job (its marks) and its owner, then deliver the
// alert on each of the owner's channels that has not had it (deliver).
func (h *Handler) notify(ctx context.Context, rec events.DynamoDBEventRecord) result {
	if item, ok := stallAlert(rec); ok {
		return h.notifyStall(ctx, item)
	}
	item, ok, why := ending(rec)
	if !ok {
		return result{outcome: Skipped, reason: why, item: item}
	}
	key := tables.StatusKey(item.UserID, item.RequestID)
	current, err := h.Jobs.Get(key).Consistent().One(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return result{outcome: Skipped, reason: "the job no longer exists", item: item}
	case err != nil:
		return result{outcome: Failed, reason: "reading the job's notification mark failed", item: item, err: err}
	}
	// The job as it ended (the record's image) is what the alert says; the current item holds
	// the marks.
	trigger, _ := alerts.EndTrigger(item.Status)
	return h.deliver(ctx, h.alert(trigger, item), item, current)
}

// recipient reads the job owner's record, or the result that ends the record (no record, or a
// failed read).
func (h *Handler) recipient(ctx context.Context, item tables.StatusItem) (tables.UserItem, *result) {
	user, err := h.Users.Get(ddb.Key{Partition: item.UserID}).One(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return user, &result{outcome: Skipped, reason: "the owner has no user record", item: item}
	case err != nil:
		return user, &result{outcome: Failed, reason: "reading the owner's record failed", item: item, err: err}
	}
	return user, nil
}
