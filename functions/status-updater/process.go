package main

import (
	"context"
	"errors"
	"fmt"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/pkg/awserr"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

// messageResult is the fate of one message. Its zero value sends the message back (Outcome's
// zero value is not an acknowledging outcome), so a result that is never set cannot lose one.
type messageResult struct {
	outcome   Outcome
	reason    string
	misconfig error  // set when the function cannot work at all
	stack     string // for Panicked: where
}

// process applies one message and decides its fate.
func (h *Handler) process(ctx context.Context, e entry) messageResult {
	if e.parseErr != nil {
		return h.deadLetter(ctx, e, Invalid, e.parseErr.Error())
	}
	res, err := h.Applier.Apply(ctx, e.event)
	switch {
	case err == nil:
		return messageResult{outcome: Outcome(res.Outcome), reason: res.Reason}
	case errors.Is(err, tracker.ErrFutureEvent):
		return h.deadLetter(ctx, e, Future, err.Error())
	case errors.Is(err, tracker.ErrExpiredEvent):
		return h.deadLetter(ctx, e, Expired, err.Error())
	case awserr.Misconfiguration(err):
		return messageResult{outcome: Retry, reason: err.Error(), misconfig: err}
	case errors.Is(err, tracker.ErrConcurrentUpdate), ddb.IsRetryable(err):
		return messageResult{outcome: Retry, reason: err.Error()}
	default:
		// DynamoDB refused this very request (a validation error): no retry will change that.
		return h.deadLetter(ctx, e, Invalid, "refused by DynamoDB: "+err.Error())
	}
}

// deadLetter sends the message to the dead-letter queue with the reason; outcome is what that
// makes of it. If the send fails, the message is retried instead, so that it is never lost.
func (h *Handler) deadLetter(ctx context.Context, e entry, outcome Outcome, reason string) messageResult {
	m := deadletter.Build(h.DeadLetterURL, deadletter.Record{
		Body: e.msg.Body, Reason: reason, MessageID: e.msg.MessageId, ReceiveCount: receiveCount(e),
		RequestID: e.requestID, FailedAt: time.Now(),
	})
	if _, err := h.DeadLetters.Send(ctx, m); err != nil {
		r := messageResult{outcome: Retry,
			reason: fmt.Sprintf("%s (%s), and sending it to the dead-letter queue failed: %v", outcome, reason, err)}
		if awserr.Misconfiguration(err) {
			r.misconfig = fmt.Errorf("dead-letter queue %s: %w", h.DeadLetterURL, err)
		}
		return r
	}
	return messageResult{outcome: outcome, reason: reason}
}

// exhaust dead-letters a message that failed on its last allowed receive, with the failure as
// the reason ("retries exhausted: ..."). Left to the queue, SQS would move it after this receive
// with no reason at all, and a valid event would sit in the dead-letter queue unexplained.
func (h *Handler) exhaust(ctx context.Context, e entry, failed messageResult) messageResult {
	return h.deadLetter(ctx, e, Exhausted, fmt.Sprintf("retries exhausted: %s: %s", failed.outcome, failed.reason))
}

// lastReceive reports whether SQS will not deliver the message again if it is not acknowledged
// now: its receive count has reached the queue's maxReceiveCount.
func (h *Handler) lastReceive(e entry) bool {
	return h.MaxReceives > 0 && receiveCount(e) >= h.MaxReceives
}

// receiveCount is the message's ApproximateReceiveCount (0 when missing).
func receiveCount(e entry) int {
	n, _ := strconv.Atoi(e.msg.Attributes["ApproximateReceiveCount"])
	return n
}

// guarded runs f and turns a panic in it into a Panicked result: a bug, or a library's, hit by
// one message must not crash the batch (SQS would then deliver all of it again, the panicking
// message included, until its redrive moves every message of the batch without a reason).
func guarded(f func() messageResult) (r messageResult) {
	defer func() {
		if p := recover(); p != nil {
			r = messageResult{outcome: Panicked, reason: fmt.Sprintf("panic: %v", p), stack: string(debug.Stack())}
		}
	}()
	return f()
}
