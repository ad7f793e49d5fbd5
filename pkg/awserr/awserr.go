// Package awserr is the one classifier of AWS SDK call errors, the same for every package that
// retries calls (pkg/ddb for DynamoDB, pkg/producer for SQS) or decides a message's fate
// (status-updater): Transient says whether making the call again may succeed, Misconfiguration
// whether the deployment itself is broken (no table, no permission). What an unknown error or the
// caller's own cancelled context means is left to each caller, because it differs: a Lambda
// handler wants the message back, a CLI wants to stop.
package awserr

import (
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
)

// Transient reports whether an AWS call that failed with err may succeed if made again:
// TrueTernary for throttling, a 5xx answer, a timeout or a broken connection; FalseTernary when
// the service refused the request itself (any other 4xx answer, invalid parameters);
// UnknownTernary otherwise.
func Transient(err error) aws.Ternary {
	if err == nil {
		return aws.FalseTernary
	}
	if retry.IsErrorRetryables(retry.DefaultRetryables).IsErrorRetryable(err) == aws.TrueTernary ||
		retry.IsErrorThrottles(retry.DefaultThrottles).IsErrorThrottle(err) == aws.TrueTernary {
		return aws.TrueTernary
	}
	// Services often answer without a fault type (DynamoDB's ValidationException does), so the
	// HTTP status of the answer decides when there is one.
	var resp *awshttp.ResponseError
	if errors.As(err, &resp) && resp.HTTPStatusCode() != 0 {
		return aws.BoolTernary(resp.HTTPStatusCode() >= 500)
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		switch apiErr.ErrorFault() {
		case smithy.FaultServer:
			return aws.TrueTernary
		case smithy.FaultClient:
			return aws.FalseTernary
		}
	}
	var invalid smithy.InvalidParamsError
	if errors.As(err, &invalid) {
		return aws.FalseTernary
	}
	return aws.UnknownTernary
}
