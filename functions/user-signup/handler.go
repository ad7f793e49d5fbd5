package main

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/users"
)

// The trigger sources that write a user record; every other one (a forgot-password
// confirmation, say) writes nothing.
const (
	// TriggerConfirmSignUp: the user confirmed their sign-up (PostConfirmation).
	TriggerConfirmSignUp = "PostConfirmation_ConfirmSignUp"
	// TriggerAuthentication: the user signed in (PostAuthentication).
	TriggerAuthentication = "PostAuthentication_Authentication"
)

// Handler records users in the user table. It is plain Go: main wires it to DynamoDB, tests to
// DynamoDB Local (through ddbtest.Spy when they inject faults) or a stub.
type Handler struct {
	Users *ddb.Table[tables.UserItem]
	Log   *slog.Logger
	// Budget bounds the whole invocation's work (and the Lambda deadline, if sooner).
	Budget time.Duration
	// Now is the clock (time.Now in production).
	Now func() time.Time
}

// Handle takes any Cognito user pool trigger event, acts on the two it knows by triggerSource,
// and returns the event unchanged, byte for byte, as Cognito requires:
//
//   - PostConfirmation_ConfirmSignUp: Confirmed records the user.
//   - PostAuthentication_Authentication: SignedIn records the user if the record is missing, and
//     brings its email and email_verified up to date.
//
// The one function serves both triggers because they write the same record the same way; a
// single function also keeps one permission and one log group.
func (h *Handler) Handle(ctx context.Context, raw json.RawMessage) (json.RawMessage, error) {
	var ev trigger // one decoding serves both triggers: they differ in nothing the record needs
	if err := json.Unmarshal(raw, &ev); err != nil {
		lambdalog.ForInvocation(ctx, h.Log).Error("not a Cognito trigger event", "outcome", "invalid", "error", err.Error())
		return nil, fmt.Errorf("%w: %w", ErrNotCognitoEvent, err)
	}
	switch ev.TriggerSource {
	case TriggerConfirmSignUp:
		confirmed := events.CognitoEventUserPoolsPostConfirmation{CognitoEventUserPoolsHeader: ev.CognitoEventUserPoolsHeader}
		confirmed.Request.UserAttributes, confirmed.Request.ClientMetadata = ev.Request.UserAttributes, ev.Request.ClientMetadata
		_, err := h.Confirmed(ctx, confirmed)
		return raw, err
	case TriggerAuthentication:
		signedIn := events.CognitoEventUserPoolsPostAuthentication{CognitoEventUserPoolsHeader: ev.CognitoEventUserPoolsHeader}
		signedIn.Request.UserAttributes, signedIn.Request.ClientMetadata = ev.Request.UserAttributes, ev.Request.ClientMetadata
		signedIn.Request.NewDeviceUsed = ev.Request.NewDeviceUsed
		_, err := h.SignedIn(ctx, signedIn)
		return raw, err
	}
	h.logFor(ctx, ev.CognitoEventUserPoolsHeader).Info("nothing to record for this trigger source", "outcome", "ignored")
	return raw, nil
}

// trigger is what Handle reads of a user pool trigger event: the common header and the request
// fields of PostConfirmation and PostAuthentication, typed as those events type them, so a
// malformed event is refused as it would be by decoding into either.
type trigger struct {
	events.CognitoEventUserPoolsHeader
	Request struct {
		UserAttributes map[string]string `json:"userAttributes"`
		ClientMetadata map[string]string `json:"clientMetadata"`
		NewDeviceUsed  bool              `json:"newDeviceUsed"`
	} `json:"request"`
}

// Confirmed records a user whose sign-up Cognito has just confirmed: one conditional PutItem that
// creates the record (user_id = the sub, the lower-cased email when there is one, the time of
// the first confirmation). A retried trigger finds the record and keeps it. If DynamoDB fails,
// the error goes back to Cognito, which does not run the trigger again: the next sign-in repairs
// the record (SignedIn).
func (h *Handler) Confirmed(ctx context.Context, ev events.CognitoEventUserPoolsPostConfirmation) (events.CognitoEventUserPoolsPostConfirmation, error) {
	if ev.TriggerSource != TriggerConfirmSignUp {
		h.logFor(ctx, ev.CognitoEventUserPoolsHeader).Info("nothing to record for this trigger source", "outcome", "ignored")
		return ev, nil
	}
	return ev, h.record(ctx, ev.CognitoEventUserPoolsHeader, ev.Request.UserAttributes)
}

// SignedIn makes sure a user who has just signed in has an up-to-date record: one UpdateItem per
// sign-in, which creates the record if it is missing (the confirmation's write failed: the
// "repaired" outcome, logged as a warning), sets the email and email_verified from the event's
// userAttributes ("updated" when they changed, else "exists"), and keeps the first timestamp and
// the user's preferences.
//
// It never fails the sign-in: Cognito refuses a sign-in whose PostAuthentication trigger fails,
// and locking a user out because a bookkeeping write failed would be worse than the missing
// record, which the next sign-in writes. A failure is logged at ERROR level (the alarms count
// those lines) and the event is returned with a nil error.
func (h *Handler) SignedIn(ctx context.Context, ev events.CognitoEventUserPoolsPostAuthentication) (events.CognitoEventUserPoolsPostAuthentication, error) {
	if ev.TriggerSource != TriggerAuthentication {
		h.logFor(ctx, ev.CognitoEventUserPoolsHeader).Info("nothing to record for this trigger source", "outcome", "ignored")
		return ev, nil
	}
	_ = h.record(ctx, ev.CognitoEventUserPoolsHeader, ev.Request.UserAttributes) // logged there
	return ev, nil
}

// record creates or brings up to date the user's record (users.Write, the one write of it), and
// logs one line with the outcome.
func (h *Handler) record(ctx context.Context, header events.CognitoEventUserPoolsHeader, attrs map[string]string) error {
	start := time.Now()
	log := h.logFor(ctx, header)
	p := users.FromAttributes(attrs)
	if p.Sub == "" {
		log.Error("cannot record the user", "outcome", "invalid", "error", ErrMissingSub.Error())
		return ErrMissingSub
	}
	log = log.With("user_id", p.Sub, "email", lambdalog.MaskEmail(p.Email), "email_verified", p.EmailVerified)

	callCtx, cancel := context.WithTimeout(ctx, h.Budget)
	defer cancel()
	old, existed, err := users.Write(h.Users, p, h.Now()).OldValue(callCtx)
	took := slog.Int64("duration_ms", time.Since(start).Milliseconds())
	signIn := header.TriggerSource == TriggerAuthentication
	switch {
	case err == nil && !existed && signIn:
		log.Warn("user record was missing (its confirmation write failed); created at sign-in", "outcome", "repaired", took)
		return nil
	case err == nil && !existed:
		log.Info("user recorded", "outcome", "created", took)
		return nil
	case err == nil && !p.Matches(old):
		log.Info("user already recorded; email brought up to date, first record kept", "outcome", "updated",
			"email_changed", old.Email != p.Email, took)
		return nil
	case err == nil:
		log.Info("user already recorded; first record kept", "outcome", "exists", took)
		return nil
	}
	awsRequestID := ""
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		awsRequestID = lc.AwsRequestID
	}
	msg := "recording the user failed"
	if signIn {
		msg += "; the sign-in goes on and the next one tries again"
	}
	log.Error(msg, "outcome", "failed", "error", err.Error(), "retryable", ddb.IsRetryable(err), took)
	return &StoreError{AWSRequestID: awsRequestID, Err: err}
}

// logFor is the log of one invocation: its request id and the event's trigger and pool.
func (h *Handler) logFor(ctx context.Context, header events.CognitoEventUserPoolsHeader) *slog.Logger {
	return lambdalog.ForInvocation(ctx, h.Log).With("trigger_source", header.TriggerSource, "user_pool_id", header.UserPoolID)
}
