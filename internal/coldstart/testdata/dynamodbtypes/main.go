// Command dynamodbtypes is the minimal Go function plus the SDK's DynamoDB marshaller
// (feature/dynamodb/attributevalue, hence service/dynamodb/types): the part of every function's
// cold start that the SDK's generated DynamoDB model costs before any client exists.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
)

func main() {
	lambda.Start(func(ctx context.Context, in map[string]any) (map[string]any, error) {
		_, err := attributevalue.MarshalMap(in)
		return in, err
	})
}
