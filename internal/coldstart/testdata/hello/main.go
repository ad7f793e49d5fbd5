// Command hello is the smallest Go Lambda function: the baseline for the cold start and size of
// the real bootstraps.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
)

func main() {
	lambda.Start(func(ctx context.Context, in map[string]any) (map[string]any, error) { return in, nil })
}
