// Command dynamodbclient is the minimal Go function plus what every function of trainstatus
// starts with: a DynamoDB client of the generated SDK package, configured from the Lambda
// environment as the functions are (pkg/awsconfig), and the SDK's marshaller. Nothing of
// trainstatus's own runs: the gap between it and a function is the function's own cost.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/awsconfig"
)

func main() {
	cfg, err := awsconfig.FromEnv(awsconfig.Limits{})
	if err != nil {
		panic(err)
	}
	client := dynamodb.NewFromConfig(cfg)
	lambda.Start(func(ctx context.Context, in map[string]any) (map[string]any, error) {
		item, err := attributevalue.MarshalMap(in)
		if err != nil {
			return nil, err
		}
		_, err = client.PutItem(ctx, &dynamodb.PutItemInput{TableName: &cfg.Region, Item: item})
		return in, err
	})
}
