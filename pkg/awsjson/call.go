package awsjson

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	sdkretry "github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/retry"
)

// Call sends in, encoded as JSON, to op and decodes the answer's body into out (skipped when out
// is nil or the body is empty). It retries as the configuration's retryer says. Every error is a
// *smithy.OperationError naming the service and operation; it wraps a *retry.MaxAttemptsError when
// the attempts ran out, and an answer's error is a *awshttp.ResponseError wrapping a
// smithy.APIError.
func (c *Client) Call(ctx context.Context, op Operation, in, out any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return c.operationError(op, &smithy.SerializationError{Err: err})
	}
	if err := c.withRetries(ctx, func(ctx context.Context) error { return c.attempt(ctx, op, body, out) }); err != nil {
		return c.operationError(op, err)
	}
	return nil
}

func (c *Client) operationError(op Operation, err error) error {
	return &smithy.OperationError{ServiceID: c.service.ID, OperationName: op.Name, Err: err}
}

// withRetries makes attempts as the SDK's retry middleware does: an attempt token for each
// attempt, a retry token (the retry quota) and the retryer's delay before each retry, and at most
// the retryer's MaxAttempts. Two differences, neither reachable with pkg/awsconfig's retryer
// (no retry quota): the standard retryer's attempt token after the first attempt is the initial
// one (the SDK's own middleware tells it the attempt number through an unexported context key),
// so a retried success gives the quota back one token more than the SDK would; and a service's
// x-amz-retry-after hint is not read.
func (c *Client) withRetries(ctx context.Context, attempt func(context.Context) error) error {
	releaseRetry := func(error) error { return nil }
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		releaseAttempt, err := c.retryer.GetAttemptToken(ctx)
		if err != nil {
			return fmt.Errorf("failed to get retry send token: %w", err)
		}
		err = attempt(ctx)
		_ = releaseRetry(err)
		_ = releaseAttempt(err)
		if err == nil {
			return nil
		}
		if !c.retryer.IsErrorRetryable(err) {
			return err
		}
		if limit := c.retryer.MaxAttempts(); limit > 0 && n >= limit {
			return &sdkretry.MaxAttemptsError{Attempt: n, Err: err}
		}
		release, tokenErr := c.retryToken(ctx, err)
		if tokenErr != nil {
			return tokenErr
		}
		releaseRetry = release
		delay, delayErr := c.retryer.RetryDelay(n, err)
		if delayErr != nil {
			return fmt.Errorf("failed to get the delay before retry %d: %w (the attempt failed: %w)", n, delayErr, err)
		}
		if err := retry.Sleep(ctx, delay); err != nil {
			return &aws.RequestCanceledError{Err: err}
		}
	}
}

// retryToken takes a retry from the retry quota; when the quota is spent, the error says so and
// still wraps the attempt's error, so that callers can see what failed.
func (c *Client) retryToken(ctx context.Context, attemptErr error) (func(error) error, error) {
	release, err := c.retryer.GetRetryToken(ctx, attemptErr)
	if err != nil {
		return nil, fmt.Errorf("%w (the attempt failed: %w)", err, attemptErr)
	}
	return release, nil
}
