package main

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

// fate is what becomes of a message.
type fate int

const (
	fateDone  fate = iota // handled: applied, stale, duplicate, refused, or dead-lettered
	fateRetry             // reported in batchItemFailures, so SQS delivers it again
)

type messageResult struct {
	fate      fate
	outcome   string // applied, filled, stale, duplicate, refused, invalid, retry, not_started
	reason    string
	misconfig error // set when the function cannot work at all
}

// process applies one message and decides its fate.
func (h *Handler) process(ctx context.Context, j job) messageResult {
	if j.parseErr != nil {
		return h.deadLetter(ctx, j, j.parseErr.Error())
	}
	res, err := h.Applier.Apply(ctx, j.event)
	switch {
	case err == nil:
		return messageResult{fate: fateDone, outcome: string(res.Outcome), reason: res.Reason}
	case errors.Is(err, tracker.ErrOwnerMismatch):
		return h.deadLetter(ctx, j, "user_id does not own this request: "+err.Error())
	case isMisconfiguration(err):
		return messageResult{fate: fateRetry, outcome: "retry", reason: err.Error(), misconfig: err}
	case errors.Is(err, tracker.ErrConcurrentUpdate), ddb.IsRetryable(err):
		return messageResult{fate: fateRetry, outcome: "retry", reason: err.Error()}
	default:
		// DynamoDB refused this very request (a validation error): no retry will change that.
		return h.deadLetter(ctx, j, "refused by DynamoDB: "+err.Error())
	}
}

// deadLetter sends the message to the dead-letter queue with the reason. If that fails, the
// message is retried instead, so that it is never lost.
func (h *Handler) deadLetter(ctx context.Context, j job, reason string) messageResult {
	count, _ := strconv.Atoi(j.msg.Attributes["ApproximateReceiveCount"])
	in := deadletter.SendInput(h.DeadLetterURL, deadletter.Record{
		Body: j.msg.Body, Reason: reason, MessageID: j.msg.MessageId, ReceiveCount: count,
		RequestID: j.requestID, FailedAt: time.Now(),
	})
	if _, err := h.DeadLetters.SendMessage(ctx, in); err != nil {
		r := messageResult{fate: fateRetry, outcome: "retry",
			reason: fmt.Sprintf("invalid (%s), and sending it to the dead-letter queue failed: %v", reason, err)}
		if isMisconfiguration(err) {
			r.misconfig = fmt.Errorf("dead-letter queue %s: %w", h.DeadLetterURL, err)
		}
		return r
	}
	return messageResult{fate: fateDone, outcome: "invalid", reason: reason}
}

// isMisconfiguration reports errors that no message can avoid: a missing table or queue, missing
// permissions (on DynamoDB, SQS or the queue's KMS key), bad credentials.
func isMisconfiguration(err error) bool {
	var notFound *types.ResourceNotFoundException
	var noQueue *sqstypes.QueueDoesNotExist
	if errors.As(err, &notFound) || errors.As(err, &noQueue) {
		return true
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorCode() {
		case "AccessDeniedException", "AccessDenied", "UnrecognizedClientException", "InvalidSignatureException",
			"MissingAuthenticationTokenException", "ExpiredTokenException", "InvalidClientTokenId",
			"AWS.SimpleQueueService.NonExistentQueue", "QueueDoesNotExist",
			"KMS.AccessDeniedException", "KMS.DisabledException", "KMS.NotFoundException":
			return true
		}
	}
	return false
}
