package main

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// TriggerConfirmSignUp is the only trigger source that records a user.
const TriggerConfirmSignUp = "PostConfirmation_ConfirmSignUp"

// Handler records confirmed users. It is plain Go: main wires it to the user table, tests to
// DynamoDB Local.
type Handler struct {
	Users UserStore
	Log   *slog.Logger
	// Budget bounds the whole invocation's work (and the Lambda deadline, if sooner).
	Budget time.Duration
	// Now is the clock (time.Now in production).
	Now func() time.Time
}

// Handle processes one PostConfirmation event and returns it unchanged, as Cognito requires.
func (h *Handler) Handle(ctx context.Context, ev events.CognitoEventUserPoolsPostConfirmation) (events.CognitoEventUserPoolsPostConfirmation, error) {
	start := time.Now()
	log := h.Log.With("trigger_source", ev.TriggerSource, "user_pool_id", ev.UserPoolID)
	var awsRequestID string
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		awsRequestID = lc.AwsRequestID
		log = log.With("aws_request_id", awsRequestID)
	}
	if ev.TriggerSource != TriggerConfirmSignUp {
		log.Info("nothing to record for this trigger source", "outcome", "ignored")
		return ev, nil
	}
	sub := ev.Request.UserAttributes["sub"]
	if sub == "" {
		log.Error("cannot record the user", "outcome", "invalid", "error", ErrMissingSub.Error())
		return ev, ErrMissingSub
	}
	user := tables.UserItem{
		UserID:    sub,
		Email:     strings.ToLower(ev.Request.UserAttributes["email"]),
		Timestamp: ddb.FormatTime(h.Now()),
	}
	log = log.With("user_id", sub, "email", maskEmail(user.Email))

	callCtx, cancel := context.WithTimeout(ctx, h.Budget)
	defer cancel()
	err := h.Users.Create(callCtx, user)
	took := slog.Int64("duration_ms", time.Since(start).Milliseconds())
	switch {
	case err == nil:
		log.Info("user recorded", "outcome", "created", took)
		return ev, nil
	case errors.Is(err, ddb.ErrAlreadyExists):
		log.Info("user already recorded (retried trigger); first record kept", "outcome", "exists", took)
		return ev, nil
	default:
		log.Error("recording the user failed", "outcome", "failed", "error", err.Error(),
			"retryable", ddb.IsRetryable(err), took)
		return ev, &StoreError{AWSRequestID: awsRequestID, Err: err}
	}
}
