package main

import (
	"errors"
	"fmt"
)

// ErrMissingSub: the event carries no "sub" user attribute, so there is no user id to record.
var ErrMissingSub = errors.New("user-signup: the Cognito event has no \"sub\" user attribute; cannot record the user")

// ErrNotCognitoEvent: the invocation's payload is not a Cognito user pool trigger event.
var ErrNotCognitoEvent = errors.New("user-signup: the payload is not a Cognito user pool trigger event")

// ErrUserTable: the user table did not take the new user within the time Cognito allows. The
// returned error is a *StoreError that matches it.
var ErrUserTable = errors.New("user-signup: the user table (DynamoDB) did not record the user")

// StoreError is returned when DynamoDB failed or did not answer in time. Its message is what
// Cognito passes on to the client, so it says what failed and where to look, and leaves the
// details (table, key, SDK error) to the log and to Unwrap.
type StoreError struct {
	AWSRequestID string
	Err          error
}

func (e *StoreError) Error() string {
	msg := ErrUserTable.Error() + " in time"
	if e.AWSRequestID != "" {
		msg += fmt.Sprintf(" (see the function log, request %s)", e.AWSRequestID)
	}
	return msg
}

func (e *StoreError) Unwrap() []error { return []error{ErrUserTable, e.Err} }
