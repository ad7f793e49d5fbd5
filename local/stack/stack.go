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

	"github.com/trainstatus/trainstatus/internal/localaws"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/esm"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/httpapi"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/jwt"
	"github.com/trainstatus/trainstatus/local/receiver"
	"github.com/trainstatus/trainstatus/local/streams"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

// region is the local stack's region, the emulators' default.
const region = localaws.Region

// Stack is a running local stack.
type Stack struct {
	State State

	log     *slog.Logger
	mu      sync.Mutex
	closers []func() // run in reverse order by Close
	once    sync.Once

	notifier  *streams.Source // status-notifier's stream event source (StreamStats)
	schedules *scheduler      // the scheduled functions' tickers (schedule.go)
	receiver  *receiver.Server
}

// Start starts every part, creates the tables, queues, user pool and app client, writes the
// state file and returns. DynamoDB Local, fauxqs and cognito-local start at the same time; the
// emulators, the HTTP API and the event source mapping follow. On error, whatever was started
// is stopped.
func Start(ctx context.Context, log *slog.Logger, cfg Config) (st *Stack, err error) {
	begin := time.Now()
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
	s.State = State{PID: os.Getpid(), Region: region, StatusTable: cfg.StatusTable, UserTable: cfg.UserTable,
		TokensTable: cfg.TokensTable, RateLimitTable: cfg.RateLimitTable}
	log.Info("starting local stack")

	// The Invoke API's address first: cognito-local's trigger needs it.
	lambdaListener, err := listen("lambda", cfg.LambdaAddr)
	if err != nil {
		return nil, err
	}
	s.State.LambdaEndpoint = "http://" + lambdaListener.Addr().String()
	workDir, err := s.workDir(cfg)
	if err != nil {
		lambdaListener.Close()
		return nil, err
	}

	var queues fauxqs.Created
	var sqsSrv *fauxqs.Server
	var cogSrv *cognito.Server
	var pool cognito.Pool
	err = parallel(
		func() error { return s.startDynamoDB(ctx, cfg) },
		func() (err error) { sqsSrv, queues, err = s.startSQS(ctx, tools, cfg); return err },
		func() (err error) { cogSrv, pool, err = s.startCognito(ctx, tools, cfg, workDir); return err },
		func() error { return s.startSES(ctx, tools, cfg) },
		func() error { return s.startReceiver(cfg) },
	)
	if err != nil {
		lambdaListener.Close()
		return nil, err
	}

	// The HTTP API's address before the functions: the page's URL is status-notifier's TRACKER_URL.
	httpListener, err := listen("http", cfg.HTTPAddr)
	if err != nil {
		lambdaListener.Close()
		return nil, err
	}
	s.State.HTTPEndpoint = "http://" + httpListener.Addr().String()
	s.State.APIURL = s.State.HTTPEndpoint

	// Lambda: the emulators behind the Invoke API.
	router, err := invoke.StartRouter(ctx, log, tools.RIE, Functions(cfg, s.State))
	if err != nil {
		lambdaListener.Close()
		httpListener.Close()
		return nil, err
	}
	s.addCloser(router.Stop)
	s.serve("lambda", lambdaListener, router)
	lambda := invoke.Client{Endpoint: s.State.LambdaEndpoint}
	log.Info("lambda ready", "endpoint", s.State.LambdaEndpoint)

	// HTTP API behind the JWT authorizer.
	keys := &jwt.JWKS{URL: pool.JWKSURL, Log: log}
	s.addCloser(keys.Close) // its background refresh
	api := &httpapi.API{
		Routes: routes(),
		Auth: &jwt.Verifier{Issuer: pool.Issuer, Audience: []string{pool.ClientID}, TokenUse: []string{"id", "access"},
			Keys: keys, Leeway: 5 * time.Second},
		Invoker: lambda,
		Log:     log,
	}
	site, err := withPage(api, s.State) // the tracker page at the API's origin (page.go)
	if err != nil {
		httpListener.Close()
		return nil, err
	}
	s.serve("http", httpListener, site)

	// The event source mappings, last: everything they need is up.
	if err := s.startStream(ctx, cfg, lambda); err != nil {
		return nil, err
	}
	s.startSchedules(ctx, cfg, lambda)
	mapping := esm.New(esm.Config{QueueURL: queues.URL, QueueARN: queues.ARN, Function: deploy.StatusUpdater,
		BatchSize: cfg.BatchSize, BatchingWindow: cfg.BatchingWindow, Pollers: cfg.UpdaterConcurrency},
		fauxqs.NewClient(sqsSrv.Endpoint), lambda, log)
	esmCtx, stopESM := context.WithCancel(context.WithoutCancel(ctx))
	done := make(chan struct{})
	go func() { mapping.Run(esmCtx); close(done) }()
	s.addCloser(func() { stopESM(); <-done })

	if cfg.User != "" {
		pw := cfg.UserPassword
		if pw == "" {
			pw = DefaultPassword
		}
		u, err := cognito.SignUp(ctx, cogSrv.Endpoint, cogSrv.Dir, pool, cfg.User, pw)
		if err != nil {
			return nil, err
		}
		s.State.User = &u
		log.Info("user signed up and logged in", "email", u.Email)
		if s.State.ReportingToken, err = reportingToken(ctx, s.State, u.Sub); err != nil {
			if !errors.Is(err, tokenstore.ErrNoUser) {
				return nil, err
			}
			// user-signup did not record the user (a stack run with stand-in bootstraps):
			// the stack works, with no token to print.
			log.Warn("no reporting token for the stack's user", "error", err.Error())
		}
	}

	s.State.Addrs = append([]string{lambdaListener.Addr().String(), httpListener.Addr().String(), sqsSrv.Addr, cogSrv.Addr, hostPort(s.State.SESEndpoint), hostPort(s.State.ReceiverEndpoint)}, router.Addrs()...)
	if cfg.DynamoDBEndpoint == "" {
		s.State.Addrs = append(s.State.Addrs, hostPort(s.State.DynamoDBEndpoint))
	}
	if cfg.StateFile != "" {
		// Left in place by Close: `make down` reads it to check that everything is gone.
		if err := WriteState(cfg.StateFile, s.State); err != nil {
			return nil, err
		}
	}
	log.Info("local stack ready", "took_ms", time.Since(begin).Milliseconds())
	return s, nil
}

// workDir returns the folder for cognito-local's data.
func (s *Stack) workDir(cfg Config) (string, error) {
	dir := cfg.WorkDir
	if dir == "" {
		tmp, err := os.MkdirTemp("", "localstack-")
		if err != nil {
			return "", err
		}
		s.addCloser(func() { _ = os.RemoveAll(tmp) })
		dir = tmp
	}
	dir = filepath.Join(dir, "cognito")
	return dir, os.MkdirAll(dir, 0o755)
}

// listen binds addr, which must be on 127.0.0.1.
func listen(name, addr string) (net.Listener, error) {
	if host, _, err := net.SplitHostPort(addr); err != nil || host != "127.0.0.1" {
		return nil, fmt.Errorf("%s: listen address %q must be 127.0.0.1:<port>", name, addr)
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return l, nil
}

// serve serves h on l until Close.
func (s *Stack) serve(name string, l net.Listener, h http.Handler) {
	srv := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			s.log.Error("server stopped", "server", name, "err", err)
		}
	}()
	s.addCloser(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	})
}

func (s *Stack) addCloser(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.closers = append(s.closers, f)
}

// Close stops every part, last started first. It is safe to call more than once.
func (s *Stack) Close() {
	s.once.Do(func() {
		s.mu.Lock()
		closers := s.closers
		s.mu.Unlock()
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
	})
}

// parallel runs fns at once and returns their errors joined.
func parallel(fns ...func() error) error {
	errs := make([]error, len(fns))
	var wg sync.WaitGroup
	for i, f := range fns {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = f() }()
	}
	wg.Wait()
	return errors.Join(errs...)
}

func hostPort(endpoint string) string {
	if len(endpoint) > 7 && endpoint[:7] == "http://" {
		return endpoint[7:]
	}
	return endpoint
}
