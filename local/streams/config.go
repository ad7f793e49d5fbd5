package streams

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// StartingPosition is where a mapping starts reading the shards open when it starts.
type StartingPosition string

// The starting positions Lambda offers for a DynamoDB stream.
const (
	Latest      StartingPosition = "LATEST"       // only records written after Start
	TrimHorizon StartingPosition = "TRIM_HORIZON" // every record the stream still holds
)

// Config is one event source mapping, as infra/ declares it, and the clients it uses.
type Config struct {
	Table     string // the table whose latest stream is read (DescribeTable)
	StreamARN string // or the stream itself; wins over Table
	Function  string // the function invoked through the Invoke API
	// FunctionARN goes in the on-failure record; default arn:aws:lambda:<Region>:000000000000:function:<Function>.
	FunctionARN string
	// Region is the records' awsRegion; default us-east-1 (DynamoDB Local says "ddblocal").
	Region string

	BatchSize        int           // records per invoke, 1..10000; default 100 (Lambda's)
	BatchingWindow   time.Duration // MaximumBatchingWindowInSeconds: gather records this long; 0: none
	StartingPosition StartingPosition
	// Filters are the FilterCriteria patterns (at most 5, OR'd); records that match none are
	// dropped and never invoked, and the shard moves past them.
	Filters []string
	// BisectOnError is BisectBatchOnFunctionError: a failing batch of more than one record is
	// split in two and each half processed in turn, which does not count as a retry.
	BisectOnError bool
	// MaxRetries is MaximumRetryAttempts: -1 retries forever (Lambda's default), 0 never.
	MaxRetries int
	// OnFailureQueueURL is the SQS on-failure destination for batches that exhausted their
	// retries; "" discards them with an error log line.
	OnFailureQueueURL string

	// PollInterval is the pause between GetRecords on a shard with nothing new; default 250 ms
	// (Lambda polls a shard four times a second).
	PollInterval time.Duration
	// RetryDelay is the pause before retrying a failed batch; default 100 ms.
	RetryDelay time.Duration
	// ShardRefresh is how often the shard list is read again (DescribeStream); a shard reaching
	// its end also triggers a refresh. Default 10 s.
	ShardRefresh time.Duration

	DynamoDB TableDescriber // for Table; nil if StreamARN is set
	Streams  StreamsAPI
	SQS      MessageSender // for OnFailureQueueURL
}

// TableDescriber is the DynamoDB call the source needs to find a table's stream.
type TableDescriber interface {
	DescribeTable(ctx context.Context, in *dynamodb.DescribeTableInput, opts ...func(*dynamodb.Options)) (*dynamodb.DescribeTableOutput, error)
}

// StreamsAPI is the part of the DynamoDB Streams API the source uses.
type StreamsAPI interface {
	DescribeStream(ctx context.Context, in *dynamodbstreams.DescribeStreamInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.DescribeStreamOutput, error)
	GetShardIterator(ctx context.Context, in *dynamodbstreams.GetShardIteratorInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetShardIteratorOutput, error)
	GetRecords(ctx context.Context, in *dynamodbstreams.GetRecordsInput, opts ...func(*dynamodbstreams.Options)) (*dynamodbstreams.GetRecordsOutput, error)
}

// MessageSender sends the on-failure records.
type MessageSender interface {
	SendMessage(ctx context.Context, in *sqs.SendMessageInput, opts ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

// Errors of Start.
var (
	ErrConfig   = errors.New("streams: invalid event source mapping")
	ErrNoStream = errors.New("streams: table has no stream")
)

// maxGetRecords is the largest Limit GetRecords accepts (DynamoDB Local refuses more, as AWS does).
const maxGetRecords = 1000

func (c Config) withDefaults() (Config, error) {
	if c.BatchSize == 0 {
		c.BatchSize = 100
	}
	if c.Region == "" {
		c.Region = "us-east-1"
	}
	if c.FunctionARN == "" {
		c.FunctionARN = fmt.Sprintf("arn:aws:lambda:%s:000000000000:function:%s", c.Region, c.Function)
	}
	if c.PollInterval <= 0 {
		c.PollInterval = 250 * time.Millisecond
	}
	if c.RetryDelay <= 0 {
		c.RetryDelay = 100 * time.Millisecond
	}
	if c.ShardRefresh <= 0 {
		c.ShardRefresh = 10 * time.Second
	}
	var problems []error
	if c.Function == "" {
		problems = append(problems, errors.New("no function"))
	}
	if c.Table == "" && c.StreamARN == "" {
		problems = append(problems, errors.New("neither a table nor a stream ARN"))
	}
	if c.StreamARN == "" && c.DynamoDB == nil {
		problems = append(problems, errors.New("a table needs a DynamoDB client"))
	}
	if c.Streams == nil {
		problems = append(problems, errors.New("no DynamoDB Streams client"))
	}
	if c.OnFailureQueueURL != "" && c.SQS == nil {
		problems = append(problems, errors.New("an on-failure queue needs an SQS client"))
	}
	if c.BatchSize < 1 || c.BatchSize > 10000 {
		problems = append(problems, fmt.Errorf("batch size %d not in 1..10000", c.BatchSize))
	}
	if c.StartingPosition != Latest && c.StartingPosition != TrimHorizon {
		problems = append(problems, fmt.Errorf("starting position %q is neither LATEST nor TRIM_HORIZON", c.StartingPosition))
	}
	if c.MaxRetries < -1 || c.MaxRetries > 10000 {
		problems = append(problems, fmt.Errorf("maximum retry attempts %d not in -1..10000", c.MaxRetries))
	}
	if c.BatchingWindow < 0 || c.BatchingWindow > 300*time.Second {
		problems = append(problems, fmt.Errorf("batching window %s not in 0..300 s", c.BatchingWindow))
	}
	if len(problems) > 0 {
		return c, fmt.Errorf("%w: %w", ErrConfig, errors.Join(problems...))
	}
	return c, nil
}
