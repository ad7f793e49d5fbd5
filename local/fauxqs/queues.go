package fauxqs

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/internal/localaws"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Queues describes a queue with its dead-letter queue, as infra/ defines them.
type Queues struct {
	Name              string        // e.g. training-events
	DeadLetterName    string        // e.g. training-events-dlq
	MaxReceiveCount   int           // receives before a message moves to the dead-letter queue
	VisibilityTimeout time.Duration // of the main queue
	MaxMessageBytes   int           // of the main queue; 0 for SQS's default (256 KiB)
}

// Created are the URLs and ARNs of the created queues.
type Created struct {
	URL, ARN                     string
	DeadLetterURL, DeadLetterARN string
}

// NewClient returns an SQS client for a local endpoint, with dummy credentials in us-east-1.
func NewClient(endpoint string) *sqs.Client {
	return sqs.NewFromConfig(localaws.Config(endpoint))
}

// Create creates the dead-letter queue, then the queue with its redrive policy. It is idempotent.
func Create(ctx context.Context, client *sqs.Client, q Queues) (Created, error) {
	var c Created
	var err error
	if c.DeadLetterURL, c.DeadLetterARN, err = create(ctx, client, q.DeadLetterName, map[string]string{
		"MessageRetentionPeriod": strconv.Itoa(14 * 24 * 3600),
	}); err != nil {
		return c, err
	}
	redrive, _ := json.Marshal(map[string]string{
		"deadLetterTargetArn": c.DeadLetterARN,
		"maxReceiveCount":     strconv.Itoa(q.MaxReceiveCount),
	})
	attrs := map[string]string{
		"VisibilityTimeout": strconv.Itoa(int(q.VisibilityTimeout / time.Second)),
		"RedrivePolicy":     string(redrive),
	}
	if q.MaxMessageBytes > 0 {
		attrs["MaximumMessageSize"] = strconv.Itoa(q.MaxMessageBytes)
	}
	c.URL, c.ARN, err = create(ctx, client, q.Name, attrs)
	return c, err
}

// CreateQueue creates a plain queue that keeps its messages 14 days (a failure destination), and
// returns its URL. It is idempotent.
func CreateQueue(ctx context.Context, client *sqs.Client, name string) (string, error) {
	url, _, err := create(ctx, client, name, map[string]string{"MessageRetentionPeriod": strconv.Itoa(14 * 24 * 3600)})
	return url, err
}

func create(ctx context.Context, client *sqs.Client, name string, attrs map[string]string) (url, arn string, err error) {
	out, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		return "", "", fmt.Errorf("creating queue %s: %w", name, err)
	}
	got, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
		QueueUrl: out.QueueUrl, AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn},
	})
	if err != nil {
		return "", "", fmt.Errorf("queue %s attributes: %w", name, err)
	}
	return *out.QueueUrl, got.Attributes[string(types.QueueAttributeNameQueueArn)], nil
}
