package awsjson

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
)

// ErrConfig matches the error New returns for a configuration it cannot call with: no region or
// credentials, or an endpoint that is not an absolute http(s) URL.
var ErrConfig = errors.New("awsjson: unusable configuration")

// MaxResponseBytes bounds the body of an answer that is read; a larger one is an error.
const MaxResponseBytes = 1 << 20

// Client calls one service. It is safe for concurrent use; make it once, at start-up.
type Client struct {
	service     Service
	endpoint    string // absolute, without a trailing slash
	region      string
	credentials aws.CredentialsProvider
	http        aws.HTTPClient
	retryer     aws.RetryerV2
	signer      *v4.Signer
	userAgent   string
}

// New returns a client of service with cfg's region, credentials, HTTP client, retryer and
// endpoint settings (see the package documentation for the endpoint's order).
func New(cfg aws.Config, service Service) (*Client, error) {
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("%w: no credentials", ErrConfig)
	}
	endpoint, err := resolveEndpoint(cfg, service)
	if err != nil {
		return nil, err
	}
	httpClient := cfg.HTTPClient
	if httpClient == nil {
		httpClient = awshttp.NewBuildableClient()
	}
	return &Client{
		service:     service,
		endpoint:    endpoint,
		region:      cfg.Region,
		credentials: cached(cfg.Credentials),
		http:        httpClient,
		retryer:     retryerOf(cfg),
		signer:      v4.NewSigner(),
		userAgent:   "aws-sdk-go-v2/" + aws.SDKVersion + " api/" + strings.ToLower(strings.ReplaceAll(service.ID, " ", "")) + " trainstatus-awsjson",
	}, nil
}

// cached wraps p in the SDK's credentials cache (as config.LoadDefaultConfig does) unless it is
// one: credentials that expire are then fetched once per expiry, not once per attempt.
func cached(p aws.CredentialsProvider) aws.CredentialsProvider {
	if aws.IsCredentialsProvider(p, (*aws.CredentialsCache)(nil)) {
		return p
	}
	return aws.NewCredentialsCache(p)
}

// Endpoint is the base URL the client calls.
func (c *Client) Endpoint() string { return c.endpoint }

// retryerOf is the configuration's retryer as the generated clients would use it: the standard
// one when the configuration has none, with RetryMaxAttempts applied when it is set.
func retryerOf(cfg aws.Config) aws.RetryerV2 {
	var r aws.Retryer
	if cfg.Retryer != nil {
		r = cfg.Retryer()
	}
	if r == nil {
		r = retry.NewStandard()
	}
	if cfg.RetryMaxAttempts > 0 {
		r = retry.AddWithMaxAttempts(r, cfg.RetryMaxAttempts)
	}
	if v2, ok := r.(aws.RetryerV2); ok {
		return v2
	}
	return retryerV2{r}
}

// retryerV2 gives an aws.Retryer the attempt token of aws.RetryerV2, as the SDK does.
type retryerV2 struct{ aws.Retryer }

func (r retryerV2) GetAttemptToken(context.Context) (func(error) error, error) {
	return r.GetInitialToken(), nil
}

// endpointSource is the part of a configuration source that knows service endpoints
// (AWS_ENDPOINT_URL_<SERVICE>), as the SDK's configuration sources do.
type endpointSource interface {
	GetServiceBaseEndpoint(ctx context.Context, sdkID string) (string, bool, error)
}

// ignoreSource is the part of a configuration source that knows
// AWS_IGNORE_CONFIGURED_ENDPOINT_URLS.
type ignoreSource interface {
	GetIgnoreConfiguredEndpoints(ctx context.Context) (bool, bool, error)
}

// resolveEndpoint picks the service's base URL as the generated clients' resolveBaseEndpoint
// does: the configuration's base endpoint (AWS_ENDPOINT_URL), replaced by the service's own
// configured endpoint unless AWS_ENDPOINT_URL is set and AWS_ENDPOINT_URL_<SERVICE> is not; with
// neither, the regional endpoint.
func resolveEndpoint(cfg aws.Config, service Service) (string, error) {
	var endpoint string
	if cfg.BaseEndpoint != nil {
		endpoint = *cfg.BaseEndpoint
	}
	_, global := os.LookupEnv("AWS_ENDPOINT_URL")
	_, own := os.LookupEnv(awsconfig.EndpointVariable(service.ID))
	if !global || own {
		if v := configuredEndpoint(cfg, service); v != "" {
			endpoint = v
		}
	}
	if endpoint == "" {
		return service.regionalEndpoint(cfg.Region)
	}
	if !validRegion(cfg.Region) {
		return "", fmt.Errorf("%w: region %q is not a valid host label", ErrConfig, cfg.Region)
	}
	u, err := url.Parse(endpoint)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%w: %s endpoint %q is not an absolute http(s) URL", ErrConfig, service.ID, endpoint)
	}
	return strings.TrimSuffix(endpoint, "/"), nil
}

// configuredEndpoint is the first service endpoint the configuration's sources name, as the
// SDK's configsources.ResolveServiceBaseEndpoint finds it: nothing when the first source that
// knows AWS_IGNORE_CONFIGURED_ENDPOINT_URLS says to ignore them, and a source that fails is
// passed over.
func configuredEndpoint(cfg aws.Config, service Service) string {
	ctx := context.Background()
	for _, src := range cfg.ConfigSources {
		if s, ok := src.(ignoreSource); ok {
			if ignore, found, err := s.GetIgnoreConfiguredEndpoints(ctx); err == nil && found {
				if ignore {
					return ""
				}
				break
			}
		}
	}
	for _, src := range cfg.ConfigSources {
		s, ok := src.(endpointSource)
		if !ok {
			continue
		}
		if v, found, err := s.GetServiceBaseEndpoint(ctx, service.ID); err == nil && found {
			return v
		}
	}
	return ""
}
