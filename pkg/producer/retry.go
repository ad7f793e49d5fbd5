package producer

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/awserr"
	"github.com/trainstatus/trainstatus/pkg/retry"
)

// DefaultRetry is the policy of New: 5 attempts per event, backoff with full jitter from 100 ms
// doubling to 3 s (pkg/retry).
var DefaultRetry = retry.Policy{Attempts: 5, Base: 100 * time.Millisecond, Max: 3 * time.Second}

// Retryable reports whether a failed SQS call may succeed if made again: throttling, server
// errors and network failures are; errors of the request itself (SenderFault, invalid
// parameters, missing queue) and the caller's cancelled context are not.
func Retryable(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var apiErr smithy.APIError
	isAPI := errors.As(err, &apiErr)
	if isAPI && serverCodes[apiErr.ErrorCode()] {
		return true
	}
	switch awserr.Transient(err) {
	case aws.TrueTernary:
		return true
	case aws.FalseTernary:
		return false
	}
	// An answer of unknown kind is not retried; a failure with no answer (the network) is.
	return !isAPI
}

// serverCodes are SQS error codes of passing server trouble that the SDK's lists miss.
var serverCodes = map[string]bool{
	"ServiceUnavailable": true, "InternalError": true, "InternalFailure": true,
	"KmsThrottled": true, "KMS.ThrottlingException": true,
}
