package awsconfig

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Load reads the standard configuration (config.LoadDefaultConfig) and applies l.
//
// Deprecated: use FromEnv, which reads the same variables a function is given without linking
// the shared-config, SSO, sign-in, STS and IMDS code. As long as Load exists, every binary that
// imports this package links that code and runs its package initialisation (about 1.9 MiB and
// a third of the start time of a bootstrap), even if it calls only FromEnv: delete this file
// (and load_test.go) once every function has switched.
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
