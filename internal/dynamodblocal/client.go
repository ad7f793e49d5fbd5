package dynamodblocal

import (
	"github.com/trainstatus/trainstatus/internal/localaws"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// NewClient returns a DynamoDB client for a local endpoint, with static dummy credentials (DynamoDB
// Local accepts any) and no dependence on the environment's AWS settings.
func NewClient(endpoint string) *dynamodb.Client {
	return dynamodb.NewFromConfig(localaws.Config(endpoint))
}
