package main

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// defaultSQS builds the SQS client from the default AWS configuration, which honours
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_SQS.
func defaultSQS(ctx context.Context) (sqsAPI, error) {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return nil, fmt.Errorf("load AWS configuration: %w", err)
	}
	return sqs.NewFromConfig(cfg), nil
}
