package stack

import (
	"context"
	"fmt"

	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/fauxqs"
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
	s.log.Info("dynamodb ready", "endpoint", endpoint, "tables", []string{cfg.StatusTable, cfg.UserTable})
	return nil
}

// startSQS starts fauxqs and creates the events queue with its dead-letter queue.
func (s *Stack) startSQS(ctx context.Context, tools deps.Tools, cfg Config) (*fauxqs.Server, fauxqs.Created, error) {
	srv, err := fauxqs.Start(ctx, s.log, tools, cfg.SQSAddr)
	if err != nil {
		return nil, fauxqs.Created{}, err
	}
	s.addCloser(srv.Stop)
	q, err := fauxqs.Create(ctx, fauxqs.NewClient(srv.Endpoint), fauxqs.Queues{Name: deploy.EventsQueue,
		DeadLetterName: deploy.DeadLetterQueue, MaxReceiveCount: cfg.MaxReceiveCount, VisibilityTimeout: cfg.VisibilityTimeout})
	if err != nil {
		return nil, q, err
	}
	s.State.SQSEndpoint, s.State.QueueURL, s.State.QueueARN, s.State.DeadLetterURL = srv.Endpoint, q.URL, q.ARN, q.DeadLetterURL
	s.log.Info("sqs ready", "endpoint", srv.Endpoint, "queue", q.URL, "dead_letters", q.DeadLetterURL)
	return srv, q, nil
}

// startCognito starts cognito-local with its trigger on the Invoke API and creates the pool.
func (s *Stack) startCognito(ctx context.Context, tools deps.Tools, cfg Config, dir string) (*cognito.Server, cognito.Pool, error) {
	srv, err := cognito.Start(ctx, s.log, tools, cognito.Config{Addr: cfg.CognitoAddr, Dir: dir,
		LambdaEndpoint: s.State.LambdaEndpoint, PostConfirmation: deploy.UserSignup})
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
