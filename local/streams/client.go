package streams

import (
	"github.com/trainstatus/trainstatus/internal/localaws"

	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
)

// NewClient returns a DynamoDB Streams client for a local endpoint (DynamoDB Local serves the
// Streams API on its own endpoint), with dummy credentials in us-east-1.
func NewClient(endpoint string) *dynamodbstreams.Client {
	return dynamodbstreams.NewFromConfig(localaws.Config(endpoint))
}
