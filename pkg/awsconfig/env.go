package awsconfig

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
)

// The variables FromEnv reads: those Lambda sets for every function (region, the execution
// role's credentials) and the SDK's standard endpoint settings the local stack sets.
const (
	envRegion          = "AWS_REGION"
	envDefaultRegion   = "AWS_DEFAULT_REGION"
	envAccessKeyID     = "AWS_ACCESS_KEY_ID"
	envSecretAccessKey = "AWS_SECRET_ACCESS_KEY"
	envSessionToken    = "AWS_SESSION_TOKEN"
	envEndpointURL     = "AWS_ENDPOINT_URL"
	envIgnoreEndpoints = "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"
	envUseFIPS         = "AWS_USE_FIPS_ENDPOINT"
	envUseDualStack    = "AWS_USE_DUALSTACK_ENDPOINT"
)

// Errors of FromEnv, for errors.Is.
var (
	// ErrNoRegion: neither AWS_REGION nor AWS_DEFAULT_REGION is set.
	ErrNoRegion = errors.New("no AWS region in the environment")
	// ErrNoCredentials: AWS_ACCESS_KEY_ID or AWS_SECRET_ACCESS_KEY is missing.
	ErrNoCredentials = errors.New("no AWS credentials in the environment")
	// ErrBadSetting: a variable has a value the SDK would refuse too.
	ErrBadSetting = errors.New("bad AWS setting in the environment")
)

// FromEnv builds the SDK configuration from the Lambda environment alone and applies l:
//
//   - the region from AWS_REGION, else AWS_DEFAULT_REGION;
//   - static credentials from AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN
//     (Lambda sets them from the execution role for the life of the instance, and
//     LoadDefaultConfig reads them the same way, as a static provider);
//   - AWS_ENDPOINT_URL as the base endpoint of every client, and AWS_ENDPOINT_URL_<SERVICE> for
//     one service, where <SERVICE> is the client's ServiceID upper-cased with spaces turned into
//     underscores (dynamodb.ServiceID "DynamoDB" -> AWS_ENDPOINT_URL_DYNAMODB, "DynamoDB Streams"
//     -> AWS_ENDPOINT_URL_DYNAMODB_STREAMS, "SESv2" -> AWS_ENDPOINT_URL_SESV2); the service
//     variable wins, and AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true turns both off;
//   - AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT (true or false), for every client.
//
// The service variables need nothing from the caller: each client (dynamodb.NewFromConfig, ...)
// asks the returned config's ConfigSources for its own, through the same SDK code that serves
// LoadDefaultConfig, so the endpoints are the ones LoadDefaultConfig gives. Nothing else is read:
// no shared config or credentials file, profile, SSO, web identity, container or IMDS
// credentials; AWS_MAX_ATTEMPTS and AWS_RETRY_MODE neither, since l decides the retries (each
// function sizes them against its own timeout), as LoadDefaultConfig given a retryer ignores them. A missing region or credentials is an error wrapping ErrNoRegion or
// ErrNoCredentials, at init rather than at the first call.
func FromEnv(l Limits) (aws.Config, error) {
	region := os.Getenv(envRegion)
	if region == "" {
		region = os.Getenv(envDefaultRegion)
	}
	if region == "" {
		return aws.Config{}, fmt.Errorf("%w: set %s (or %s)", ErrNoRegion, envRegion, envDefaultRegion)
	}
	key, secret := os.Getenv(envAccessKeyID), os.Getenv(envSecretAccessKey)
	if key == "" || secret == "" {
		return aws.Config{}, fmt.Errorf("%w: %s and %s must both be set", ErrNoCredentials, envAccessKeyID, envSecretAccessKey)
	}
	src, err := newEndpointSource()
	if err != nil {
		return aws.Config{}, err
	}
	cfg := aws.Config{
		Region: region,
		Credentials: credentials.StaticCredentialsProvider{
			Value: aws.Credentials{
				AccessKeyID:     key,
				SecretAccessKey: secret,
				SessionToken:    os.Getenv(envSessionToken),
				Source:          "EnvConfigCredentials", // config.CredentialsSourceName, as LoadDefaultConfig names them
			},
			Source: []aws.CredentialSource{aws.CredentialSourceEnvVars},
		},
		HTTPClient:    awshttp.NewBuildableClient().WithTimeout(l.AttemptTimeout),
		Retryer:       l.Retryer,
		ConfigSources: []any{src},
		// LoadDefaultConfig's defaults, so that a client behaves as it did with it.
		Logger:                      logging.NewStandardLogger(os.Stderr),
		RequestMinCompressSizeBytes: 10240,
		AccountIDEndpointMode:       aws.AccountIDEndpointModePreferred,
		RequestChecksumCalculation:  aws.RequestChecksumCalculationWhenSupported,
		ResponseChecksumValidation:  aws.ResponseChecksumValidationWhenSupported,
	}
	if base := os.Getenv(envEndpointURL); base != "" && !src.ignore {
		cfg.BaseEndpoint = aws.String(base)
	}
	return cfg, nil
}

// endpointSource answers a client's questions "is an endpoint configured for my service?" and
// "FIPS? dual-stack?": the SDK's clients look through aws.Config.ConfigSources for these methods
// (the interfaces ServiceBaseEndpointProvider, IgnoreConfiguredEndpointsProvider,
// UseFIPSEndpointProvider and UseDualStackEndpointProvider of its internal configsources
// package, which config.EnvConfig implements the same way).
type endpointSource struct {
	ignore    bool
	fips      aws.FIPSEndpointState
	dualStack aws.DualStackEndpointState
}

func newEndpointSource() (endpointSource, error) {
	var src endpointSource
	ignore, _, err := boolVar(envIgnoreEndpoints)
	src.ignore = ignore
	fips, set, err2 := boolVar(envUseFIPS)
	switch {
	case set && fips:
		src.fips = aws.FIPSEndpointStateEnabled
	case set:
		src.fips = aws.FIPSEndpointStateDisabled
	}
	dual, set, err3 := boolVar(envUseDualStack)
	switch {
	case set && dual:
		src.dualStack = aws.DualStackEndpointStateEnabled
	case set:
		src.dualStack = aws.DualStackEndpointStateDisabled
	}
	return src, errors.Join(err, err2, err3)
}

// boolVar reads a true/false variable as the SDK does (either word in any case); set is false
// when it is empty or unset.
func boolVar(name string) (value, set bool, err error) {
	switch v := os.Getenv(name); {
	case v == "":
		return false, false, nil
	case strings.EqualFold(v, "true"):
		return true, true, nil
	case strings.EqualFold(v, "false"):
		return false, true, nil
	default:
		return false, false, fmt.Errorf("%w: %s=%q, want true or false", ErrBadSetting, name, v)
	}
}

// GetIgnoreConfiguredEndpoints reports AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.
func (s endpointSource) GetIgnoreConfiguredEndpoints(context.Context) (bool, bool, error) {
	return s.ignore, s.ignore, nil
}

// GetUseFIPSEndpoint reports AWS_USE_FIPS_ENDPOINT.
func (s endpointSource) GetUseFIPSEndpoint(context.Context) (aws.FIPSEndpointState, bool, error) {
	return s.fips, s.fips != aws.FIPSEndpointStateUnset, nil
}

// GetUseDualStackEndpoint reports AWS_USE_DUALSTACK_ENDPOINT.
func (s endpointSource) GetUseDualStackEndpoint(context.Context) (aws.DualStackEndpointState, bool, error) {
	return s.dualStack, s.dualStack != aws.DualStackEndpointStateUnset, nil
}

// GetServiceBaseEndpoint returns AWS_ENDPOINT_URL_<SERVICE> for the client whose ServiceID is
// sdkID. It reads the variable when the client is made, as the SDK does.
func (s endpointSource) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	v := os.Getenv(EndpointVariable(sdkID))
	return v, v != "", nil
}

// EndpointVariable names the endpoint variable of the service whose ServiceID is sdkID, by the SDK's
// rule (config.EnvConfig): upper case, spaces to underscores.
func EndpointVariable(sdkID string) string {
	return envEndpointURL + "_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_")
}
