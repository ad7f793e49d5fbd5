package main

import (
	"context"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// EventApplier applies one valid event to the status table (tracker.Tracker in production).
type EventApplier interface {
	Apply(ctx context.Context, ev trainevent.Event) (tracker.Result, error)
}

// MessageSender sends a message to a queue (the SQS client in production): here, poison
// messages to the dead-letter queue.
type MessageSender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Handler turns a batch of SQS training events into status table writes and reports the messages
// to retry. It is plain Go: main wires it to real clients, tests to DynamoDB Local and fakes.
type Handler struct {
	Applier       EventApplier
	DeadLetters   MessageSender
	DeadLetterURL string
	Log           *slog.Logger
	Metrics       *MetricsWriter
	// Concurrency bounds how many requests are worked on at once.
	Concurrency int
	// Margin is the time kept free before the invocation's deadline: no message is started
	// later than that, and every call must end by half of it.
	Margin time.Duration

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
	jobs := plan(ev.Records, fifo)
	results := make([]messageResult, len(ev.Records))
	var misconfigured error
	var mu sync.Mutex

	tasks := make([]func(), 0, len(jobs))
	for _, group := range jobs {
		tasks = append(tasks, func() {
			failed := false
			for _, j := range group {
				switch {
				case failed && fifo:
					results[j.index] = messageResult{fate: fateRetry, outcome: "not_started", reason: "an earlier message of its FIFO group failed"}
				case failed:
					// The same item just failed (throttled partition, faults): its later messages
					// would most likely fail too, each after its own retries. They come back with
					// the failed one instead.
					results[j.index] = messageResult{fate: fateRetry, outcome: "not_started", reason: "an earlier message of the same request failed"}
				case time.Until(deadline) < h.Margin:
					results[j.index] = messageResult{fate: fateRetry, outcome: "not_started", reason: "invocation deadline is near"}
				default:
					results[j.index] = h.process(callCtx, j)
				}
				r := results[j.index]
				if r.misconfig != nil {
					mu.Lock()
					misconfigured = r.misconfig
					mu.Unlock()
				}
				failed = failed || r.fate == fateRetry
				h.logResult(log, j, r)
			}
		})
	}
	h.workers.run(h.Concurrency, tasks)

	resp := events.SQSEventResponse{BatchItemFailures: []events.SQSBatchItemFailure{}}
	counts := map[string]int{}
	for i, r := range results {
		counts[r.outcome]++
		if r.fate == fateRetry {
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: ev.Records[i].MessageId})
		}
	}
	h.Metrics.Write(counts, len(ev.Records), time.Since(start))
	if misconfigured != nil {
		log.Error("function is misconfigured; failing the whole batch", "error", misconfigured.Error())
		return events.SQSEventResponse{}, misconfigured
	}
	return resp, nil
}

func (h *Handler) logResult(log *slog.Logger, j job, r messageResult) {
	level := slog.LevelInfo
	if r.fate != fateDone {
		level = slog.LevelWarn
	}
	log.LogAttrs(context.Background(), level, "message "+r.outcome,
		slog.String("outcome", r.outcome),
		slog.String("message_id", j.msg.MessageId),
		slog.String("request_id", j.requestID),
		slog.String("reason", r.reason),
		slog.String("receive_count", j.msg.Attributes["ApproximateReceiveCount"]),
	)
}
