package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/esm"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/httpapi"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/jwt"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// Stack is a running local stack.
type Stack struct {
	State State

	log     *slog.Logger
	closers []func() // run in reverse order by Close
	once    sync.Once
}

// Start starts every part, creates the tables, queues, user pool and app client, writes the
// state file and returns. On error, whatever was started is stopped.
func Start(ctx context.Context, log *slog.Logger, cfg Config) (st *Stack, err error) {
	s := &Stack{log: log}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	root := cfg.Root
	if root == "" {
		if root, err = deps.RepoRoot(); err != nil {
			return nil, err
		}
	}
	cfg = cfg.fill(root)
	tools, err := deps.Find()
	if err != nil {
		return nil, err
	}
	s.State = State{PID: os.Getpid(), Region: "us-east-1", StatusTable: cfg.StatusTable, UserTable: cfg.UserTable}

	// DynamoDB Local and the tables.
	ddbEndpoint := cfg.DynamoDBEndpoint
	if ddbEndpoint == "" {
		srv, err := ddbtest.Start(ctx)
		if err != nil {
			return nil, err
		}
		s.closers = append(s.closers, srv.Stop)
		ddbEndpoint = srv.Endpoint
	}
	s.State.DynamoDBEndpoint = ddbEndpoint
	if err := createTables(ctx, ddbEndpoint, cfg); err != nil {
		return nil, fmt.Errorf("creating tables: %w", err)
	}

	// SQS.
	sqsSrv, err := fauxqs.Start(ctx, log, tools, cfg.SQSAddr)
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, sqsSrv.Stop)
	sqsClient := fauxqs.NewClient(sqsSrv.Endpoint)
	queues, err := fauxqs.Create(ctx, sqsClient, fauxqs.Queues{Name: deploy.EventsQueue, DeadLetterName: deploy.DeadLetterQueue,
		MaxReceiveCount: cfg.MaxReceiveCount, VisibilityTimeout: cfg.VisibilityTimeout})
	if err != nil {
		return nil, err
	}
	s.State.SQSEndpoint, s.State.QueueURL, s.State.QueueARN, s.State.DeadLetterURL = sqsSrv.Endpoint, queues.URL, queues.ARN, queues.DeadLetterURL

	// Lambda: the emulators, then the Invoke API.
	router, err := invoke.StartRouter(ctx, log, tools.RIE, functions(cfg, sqsSrv.Endpoint, ddbEndpoint, queues.DeadLetterURL))
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, router.Stop)
	lambdaAddr, err := s.serve("lambda", cfg.LambdaAddr, router)
	if err != nil {
		return nil, err
	}
	s.State.LambdaEndpoint = "http://" + lambdaAddr
	lambda := invoke.Client{Endpoint: s.State.LambdaEndpoint}

	// Cognito, its trigger calling the Invoke API.
	cogDir := cfg.WorkDir
	if cogDir == "" {
		if cogDir, err = os.MkdirTemp("", "localstack-"); err != nil {
			return nil, err
		}
		s.closers = append(s.closers, func() { _ = os.RemoveAll(cogDir) })
	}
	cogDir = filepath.Join(cogDir, "cognito")
	if err := os.MkdirAll(cogDir, 0o755); err != nil {
		return nil, err
	}
	cogSrv, err := cognito.Start(ctx, log, tools, cognito.Config{Addr: cfg.CognitoAddr, Dir: cogDir,
		LambdaEndpoint: s.State.LambdaEndpoint, PostConfirmation: deploy.UserSignup})
	if err != nil {
		return nil, err
	}
	s.closers = append(s.closers, cogSrv.Stop)
	pool, err := cognito.CreatePool(ctx, cogSrv.Endpoint, "trainstatus-users", "trainstatus-cli")
	if err != nil {
		return nil, err
	}
	s.State.CognitoEndpoint, s.State.CognitoDir = cogSrv.Endpoint, cogSrv.Dir
	s.State.UserPoolID, s.State.ClientID, s.State.Issuer, s.State.JWKSURL = pool.ID, pool.ClientID, pool.Issuer, pool.JWKSURL

	// HTTP API behind the JWT authorizer.
	api := &httpapi.API{
		Routes: []httpapi.Route{
			{Method: "GET", Path: "/status", Function: deploy.StatusQuery},
			{Method: "GET", Path: "/status/{" + deploy.PathRequestID + "}", Function: deploy.StatusQuery},
		},
		Auth: &jwt.Verifier{Issuer: pool.Issuer, Audience: []string{pool.ClientID}, TokenUse: []string{"id", "access"},
			Keys: &jwt.JWKS{URL: pool.JWKSURL}, Leeway: 5 * time.Second},
		Invoker: lambda,
		Log:     log,
	}
	httpAddr, err := s.serve("http", cfg.HTTPAddr, api)
	if err != nil {
		return nil, err
	}
	s.State.HTTPEndpoint = "http://" + httpAddr

	// The event source mapping, last: everything it needs is up.
	mapping := esm.New(esm.Config{QueueURL: queues.URL, QueueARN: queues.ARN, Function: deploy.StatusUpdater,
		BatchSize: cfg.BatchSize, BatchingWindow: cfg.BatchingWindow, Pollers: cfg.UpdaterConcurrency}, sqsClient, lambda, log)
	esmCtx, stopESM := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { mapping.Run(esmCtx); close(done) }()
	s.closers = append(s.closers, func() { stopESM(); <-done })

	s.State.Addrs = append([]string{lambdaAddr, httpAddr, sqsSrv.Addr, cogSrv.Addr}, router.Addrs()...)
	if cfg.DynamoDBEndpoint == "" {
		s.State.Addrs = append(s.State.Addrs, hostPort(ddbEndpoint))
	}
	if cfg.StateFile != "" {
		// Left in place by Close: `make down` reads it to check that everything is gone.
		if err := WriteState(cfg.StateFile, s.State); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// serve listens on addr and serves h until Close; it returns the bound address.
func (s *Stack) serve(name, addr string, h http.Handler) (string, error) {
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		return "", fmt.Errorf("%s: listen address %q must be 127.0.0.1:<port>", name, addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("server stopped", "server", name, "err", err)
		}
	}()
	s.closers = append(s.closers, func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
	return l.Addr().String(), nil
}

// Close stops every part, last started first. It is safe to call more than once.
func (s *Stack) Close() {
	s.once.Do(func() {
		for i := len(s.closers) - 1; i >= 0; i-- {
			s.closers[i]()
		}
	})
}

func hostPort(endpoint string) string {
	if len(endpoint) > 7 && endpoint[:7] == "http://" {
		return endpoint[7:]
	}
	return endpoint
}
