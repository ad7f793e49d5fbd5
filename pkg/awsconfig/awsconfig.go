// Package awsconfig loads the AWS SDK configuration every function uses: the SDK's standard
// settings (region, credentials, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, so the same
// binary talks to the local emulators or to AWS), with retries bounded so that a call gives up
// within the time its caller has.
package awsconfig

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Limits bound one SDK call: at most MaxAttempts attempts of at most AttemptTimeout each, with
// the standard retryer's backoff (throttles, 5xx, timeouts, broken connections) capped at
// MaxBackoff between them.
type Limits struct {
	AttemptTimeout time.Duration
	MaxAttempts    int
	MaxBackoff     time.Duration
}

// Worst is the longest one call can take under these limits.
func (l Limits) Worst() time.Duration {
	return time.Duration(l.MaxAttempts)*l.AttemptTimeout + time.Duration(max(l.MaxAttempts-1, 0))*l.MaxBackoff
}

// Retryer is the standard SDK retryer bounded by l.
func (l Limits) Retryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = l.MaxAttempts
		o.MaxBackoff = l.MaxBackoff
	})
}

// Load reads the standard configuration and applies l.
func Load(ctx context.Context, l Limits) (aws.Config, error) {
	cfg, err := config.LoadDefaultConfig(ctx,
		config.WithRetryer(l.Retryer),
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(l.AttemptTimeout)),
	)
	if err != nil {
		return aws.Config{}, fmt.Errorf("loading AWS configuration: %w", err)
	}
	return cfg, nil
}
