package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// EventApplier applies one valid event to the status table (tracker.Tracker in production).
type EventApplier interface {
	Apply(ctx context.Context, ev trainevent.Event) (tracker.Result, error)
}

// DeadLetterSender puts a poison message on the dead-letter queue (deadletter.Sender in
// production) and returns its message id there.
type DeadLetterSender interface {
	Send(ctx context.Context, m deadletter.Outgoing) (string, error)
}

// Handler turns a batch of SQS training events into status table writes and reports the messages
// to retry. It is plain Go: main wires it to real clients, tests to DynamoDB Local and fauxqs.
type Handler struct {
	Applier       EventApplier
	DeadLetters   DeadLetterSender
	DeadLetterURL string
	Log           *slog.Logger
	Metrics       *emf.Writer
	// Concurrency bounds how many jobs are worked on at once.
	Concurrency int
	// Margin is the time kept free before the invocation's deadline: no message is started
	// later than that, and every call must end by half of it.
	Margin time.Duration
	// MaxReceives is the events queue's maxReceiveCount: a message that fails on that receive is
	// dead-lettered by the handler, with the failure as its reason. Zero: never.
	MaxReceives int

	workers workers
}

// Handle processes one invocation. It returns the messages to retry; it returns an error (failing
// the whole batch) only when the function is misconfigured.
func (h *Handler) Handle(ctx context.Context, ev events.SQSEvent) (events.SQSEventResponse, error) {
	start := time.Now()
	log := lambdalog.ForInvocation(ctx, h.Log)
	deadline, hasDeadline := ctx.Deadline()
	if !hasDeadline {
		deadline = start.Add(15 * time.Minute) // Lambda's longest; only tests call without one
	}
	callCtx, cancel := context.WithDeadline(ctx, deadline.Add(-h.Margin/2))
	defer cancel()

	fifo := len(ev.Records) > 0 && strings.HasSuffix(ev.Records[0].EventSourceARN, ".fifo")
	groups := plan(ev.Records, fifo)
	// Every result starts as the zero value, which sends its message back: a message whose
	// group stops early (a panic outside process) is retried, never acknowledged unprocessed.
	results := make([]messageResult, len(ev.Records))
	var misconfigured error
	var mu sync.Mutex

	tasks := make([]func(), 0, len(groups))
	for _, group := range groups {
		tasks = append(tasks, func() {
			defer func() {
				if p := recover(); p != nil {
					log.Error("panic outside a message's processing; the rest of its group will be retried", "panic", fmt.Sprint(p))
				}
			}()
			earlier := "" // why a message of this group failed, once one has
			for _, e := range group {
				first, r := h.handleOne(callCtx, log, e, fifo, earlier, deadline)
				results[e.index] = r
				if r.misconfig != nil {
					mu.Lock()
					misconfigured = r.misconfig
					mu.Unlock()
				}
				if earlier == "" && first.outcome.fate() == retried {
					earlier = "an earlier message of the same job failed"
					if fifo {
						earlier = "an earlier message of its FIFO group failed"
					}
				}
				h.logResult(log, e, r)
			}
		})
	}
	h.workers.run(h.Concurrency, tasks)

	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	counts := map[Outcome]int{}
	for i, r := range results {
		if r.outcome == "" {
			log.Error("message has no result; it will be retried", "message_id", ev.Records[i].MessageId)
			r.outcome = Retry
		}
		counts[r.outcome]++
		if !r.outcome.Acknowledges() {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: ev.Records[i].MessageId})
		}
	}
	writeMetrics(h.Metrics, counts, len(ev.Records), time.Since(start))
	if misconfigured != nil {
		log.Error("function is misconfigured; failing the whole batch", "error", misconfigured.Error())
		return events.SQSEventResponse{}, misconfigured
	}
	return resp, nil
}

// handleOne decides the fate of one message: it processes it unless an earlier message of its
// group failed or time is short, and on its last allowed receive dead-letters it rather than
// let it come back. first is the result before that, final the message's fate.
func (h *Handler) handleOne(ctx context.Context, log *slog.Logger, e entry, fifo bool, earlier string, deadline time.Time) (first, final messageResult) {
	switch {
	case earlier != "" && (fifo || !h.lastReceive(e)):
		// The same item just failed (throttled partition, faults): its later messages would
		// most likely fail too, each after its own retries. They come back with the failed one
		// instead; on a FIFO queue they must, to keep the group's order. (On its last receive,
		// a message of a standard queue is tried anyway: the tracker does not need the order.)
		first = messageResult{outcome: NotStarted, reason: earlier}
	case time.Until(deadline) < h.Margin:
		first = messageResult{outcome: NotStarted, reason: "invocation deadline is near"}
	default:
		first = guarded(func() messageResult { return h.process(ctx, e) })
	}
	h.logPanic(log, e, first)
	final = first
	if first.outcome.fate() == retried && first.misconfig == nil && h.lastReceive(e) {
		final = guarded(func() messageResult { return h.exhaust(ctx, e, first) })
		h.logPanic(log, e, final)
	}
	return first, final
}

// logPanic writes the ERROR line of a result that is a panic, with where it happened.
func (h *Handler) logPanic(log *slog.Logger, e entry, r messageResult) {
	if r.outcome != Panicked {
		return
	}
	log.Error("panic while processing a message; it will be retried",
		slog.String("message_id", e.msg.MessageId),
		slog.String("request_id", e.requestID),
		slog.String("panic", r.reason),
		slog.String("stack", r.stack),
	)
}

func (h *Handler) logResult(log *slog.Logger, e entry, r messageResult) {
	level := slog.LevelInfo
	if r.outcome.fate() != done {
		level = slog.LevelWarn
	}
	log.LogAttrs(context.Background(), level, "message "+string(r.outcome),
		slog.String("outcome", string(r.outcome)),
		slog.String("message_id", e.msg.MessageId),
		slog.String("request_id", e.requestID),
		slog.String("reason", r.reason),
		slog.String("receive_count", e.msg.Attributes["ApproximateReceiveCount"]),
	)
}
