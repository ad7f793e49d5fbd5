package awsjson

import (
	"fmt"
	"strings"

	"github.com/trainstatus/trainstatus/pkg/awsconfig"
)

// Service names an AWS API as the SDK and SigV4 know it.
type Service struct {
	// ID is the SDK's service id: it names the endpoint variable (AWS_ENDPOINT_URL_<ID>, upper
	// case, spaces as underscores) and appears in errors, as with the generated client.
	ID string
	// SigningName is the SigV4 service name.
	SigningName string
	// EndpointPrefix is the first label of the regional endpoint's host.
	EndpointPrefix string
	// QueryCompatible services (SQS) report an error's code in the x-amzn-query-error header.
	QueryCompatible bool
}

// The services the functions call through this package.
var (
	SQS   = Service{ID: "SQS", SigningName: "sqs", EndpointPrefix: "sqs", QueryCompatible: true}
	SESv2 = Service{ID: "SESv2", SigningName: "ses", EndpointPrefix: "email"}
)

// Operation is one API operation.
type Operation struct {
	Name string // as in the API reference, e.g. "SendMessage"
	// Target is the X-Amz-Target header of an AWS JSON 1.0 operation ("AmazonSQS.SendMessage");
	// empty for a REST-JSON one.
	Target string
	// Path is the REST-JSON operation's path ("/v2/email/outbound-emails"); "/" when empty.
	Path string
}

// contentType is the protocol's media type: AWS JSON 1.0 for a targeted operation, plain JSON
// for REST-JSON.
func (o Operation) contentType() string {
	if o.Target != "" {
		return "application/x-amz-json-1.0"
	}
	return "application/json"
}

// regionalEndpoint is the service's endpoint in region, on its partition's domain.
func (s Service) regionalEndpoint(region string) (string, error) {
	if !validRegion(region) {
		return "", fmt.Errorf("%w: region %q is not a valid host label", ErrConfig, region)
	}
	if strings.HasPrefix(region, "fips-") || strings.HasSuffix(region, "-fips") {
		return "", fmt.Errorf("%w: region %q asks for a FIPS endpoint, which this package does not resolve; set %s",
			ErrConfig, region, awsconfig.EndpointVariable(s.ID))
	}
	domain := "amazonaws.com"
	for _, p := range partitionDomains {
		if strings.HasPrefix(region, p.prefix) {
			domain = p.domain
			break
		}
	}
	return "https://" + s.EndpointPrefix + "." + region + "." + domain, nil
}

// partitionDomains are the DNS suffixes of the partitions other than aws (whose regions need no
// entry), by region prefix, from the SDK's partition table (internal/endpoints/awsrulesfn).
var partitionDomains = []struct{ prefix, domain string }{
	{"cn-", "amazonaws.com.cn"},
	{"us-isob-", "sc2s.sgov.gov"},
	{"us-isof-", "csp.hci.ic.gov"},
	{"us-iso-", "c2s.ic.gov"},
	{"eu-isoe-", "cloud.adc-e.uk"},
	{"eusc-", "amazonaws.eu"},
}

// validRegion reports whether region can be a host label: letters, digits and inner hyphens.
func validRegion(region string) bool {
	if region == "" || len(region) > 63 || region[0] == '-' || region[len(region)-1] == '-' {
		return false
	}
	for _, c := range region {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
