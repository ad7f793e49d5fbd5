package stack

import (
	"context"
	"fmt"

	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/ses"
	"github.com/trainstatus/trainstatus/local/streams"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// startDynamoDB uses the configured DynamoDB Local or starts one, then creates the tables.
func (s *Stack) startDynamoDB(ctx context.Context, cfg Config) error {
	endpoint := cfg.DynamoDBEndpoint
	if endpoint == "" {
		srv, err := dynamodblocal.Start(ctx)
		if err != nil {
			return err
		}
		s.addCloser(srv.Stop)
		endpoint = srv.Endpoint
	}
	if err := createTables(ctx, endpoint, cfg); err != nil {
		return fmt.Errorf("creating tables: %w", err)
	}
	s.State.DynamoDBEndpoint = endpoint
	s.log.Info("dynamodb ready", "endpoint", endpoint, "tables", []string{cfg.StatusTable, cfg.UserTable, cfg.TokensTable, cfg.RateLimitTable})
	return nil
}

// startSQS starts fauxqs and creates the events queue with its dead-letter queue.
func (s *Stack) startSQS(ctx context.Context, tools deps.Tools, cfg Config) (*fauxqs.Server, fauxqs.Created, error) {
	srv, err := fauxqs.Start(ctx, s.log, tools, cfg.SQSAddr)
	if err != nil {
		return nil, fauxqs.Created{}, err
	}
	s.addCloser(srv.Stop)
	client := fauxqs.NewClient(srv.Endpoint)
	q, err := fauxqs.Create(ctx, client, fauxqs.Queues{Name: deploy.EventsQueue,
		DeadLetterName: deploy.DeadLetterQueue, MaxReceiveCount: cfg.MaxReceiveCount, VisibilityTimeout: cfg.VisibilityTimeout,
		MaxMessageBytes: deploy.EventsMaxMessageBytes})
	if err != nil {
		return nil, q, err
	}
	if s.State.NotifierFailureURL, err = fauxqs.CreateQueue(ctx, client, deploy.NotifierFailureQueue); err != nil {
		return nil, q, err
	}
	s.State.SQSEndpoint, s.State.QueueURL, s.State.QueueARN, s.State.DeadLetterURL = srv.Endpoint, q.URL, q.ARN, q.DeadLetterURL
	s.log.Info("sqs ready", "endpoint", srv.Endpoint, "queue", q.URL, "dead_letters", q.DeadLetterURL)
	return srv, q, nil
}

// startCognito starts cognito-local with its trigger on the Invoke API and creates the pool.
func (s *Stack) startCognito(ctx context.Context, tools deps.Tools, cfg Config, dir string) (*cognito.Server, cognito.Pool, error) {
	srv, err := cognito.Start(ctx, s.log, tools, cognito.Config{Addr: cfg.CognitoAddr, Dir: dir,
		LambdaEndpoint: s.State.LambdaEndpoint, PostConfirmation: deploy.UserSignup, PostAuthentication: deploy.UserSignup})
	if err != nil {
		return nil, cognito.Pool{}, err
	}
	s.addCloser(srv.Stop)
	pool, err := cognito.CreatePool(ctx, srv.Endpoint, "trainstatus-users", "trainstatus-cli")
	if err != nil {
		return nil, pool, err
	}
	s.State.CognitoEndpoint, s.State.CognitoDir = srv.Endpoint, srv.Dir
	s.State.UserPoolID, s.State.ClientID, s.State.Issuer, s.State.JWKSURL = pool.ID, pool.ClientID, pool.Issuer, pool.JWKSURL
	s.log.Info("cognito ready", "endpoint", srv.Endpoint, "pool", pool.ID, "client", pool.ClientID)
	return srv, pool, nil
}

// startSES starts the SES emulator, whose store holds the mail status-notifier sends.
func (s *Stack) startSES(ctx context.Context, tools deps.Tools, cfg Config) error {
	srv, err := ses.Start(ctx, s.log, tools, cfg.SESAddr)
	if err != nil {
		return err
	}
	s.addCloser(srv.Close)
	s.State.SESEndpoint = srv.Endpoint()
	s.log.Info("ses ready", "endpoint", srv.Endpoint())
	return nil
}

// startStream starts status-notifier's event source on the status table's stream, from
// pkg/deploy's description (its filters, batch, bisect, retries and failure queue), as infra/
// declares the event source mapping.
func (s *Stack) startStream(ctx context.Context, cfg Config, lambda invoke.Invoker) error {
	src := deploy.NotifierSource
	source, err := streams.Start(ctx, streams.Config{
		Table:             cfg.StatusTable,
		Function:          src.Function,
		Region:            region,
		BatchSize:         src.BatchSize,
		BatchingWindow:    src.BatchingWindow,
		StartingPosition:  streams.StartingPosition(src.StartingPosition),
		Filters:           src.Filters,
		BisectOnError:     src.BisectOnError,
		MaxRetries:        src.MaxRetryAttempts,
		OnFailureQueueURL: s.State.NotifierFailureURL,
		DynamoDB:          dynamodblocal.NewClient(s.State.DynamoDBEndpoint),
		Streams:           streams.NewClient(s.State.DynamoDBEndpoint),
		SQS:               fauxqs.NewClient(s.State.SQSEndpoint),
	}, lambda, s.log)
	if err != nil {
		return fmt.Errorf("status table stream: %w", err)
	}
	s.mu.Lock()
	s.notifier = source
	s.mu.Unlock()
	s.addCloser(source.Close)
	s.log.Info("stream event source ready", "stream", source.StreamARN(), "function", src.Function)
	return nil
}
