// Package localaws configures AWS SDK clients for the emulators on this machine (DynamoDB Local
// and its streams, fauxqs, cognito-local, aws-ses-v2-local): the endpoint, us-east-1 and dummy
// static credentials (every emulator wants a signature, none checks it), and nothing read from
// the environment or ~/.aws. Each emulator's package makes its client with
// <service>.NewFromConfig(localaws.Config(endpoint)).
package localaws

import (
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
)

// Region is the emulators' region.
const Region = "us-east-1"

// Config is the SDK configuration of a client of the emulator at endpoint. A call's HTTP attempt
// gives up after 30 s, so a hung emulator fails a test instead of holding it.
func Config(endpoint string) aws.Config {
	return aws.Config{
		Region:       Region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:   &http.Client{Timeout: 30 * time.Second},
	}
}
