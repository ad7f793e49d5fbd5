// Package stack starts the whole local stack in process: DynamoDB Local (unless one is given),
// fauxqs with the events queue and its dead-letter queue, the functions under the Lambda
// emulator behind the Lambda Invoke API, cognito-local with its pool and app client, the SQS
// event source mapping and the HTTP API. Close stops everything it started. Numbers and names
// come from pkg/deploy, as infra/ uses them; only what must differ locally is overridable.
//
// The command local/cmd/localstack runs it; a Go test can call Start directly.
package stack

import (
	"path/filepath"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// Config of a local stack. Zero values take the defaults of Defaults.
type Config struct {
	Root      string // repository root; default found from the working directory
	BuildHost string // folder of <function>/bootstrap; default <Root>/build/host
	StateFile string // where the State is written once ready; "" for none
	WorkDir   string // folder for cognito-local's data; "" for a temporary one removed by Close

	// Listen addresses, all on 127.0.0.1; port 0 picks a free one.
	LambdaAddr  string
	HTTPAddr    string
	SQSAddr     string
	CognitoAddr string
	SESAddr     string
	// ReceiverAddr is the alert receiver's (Slack and webhook posts).
	ReceiverAddr string
	// DynamoDBEndpoint is a running DynamoDB Local; "" starts one (stopped by Close).
	DynamoDBEndpoint string

	StatusTable string
	UserTable   string
	// TokensTable and RateLimitTable default to UserTable's name with "-tokens" and
	// "-rate-limits", so a test that names its user table names all three.
	TokensTable    string
	RateLimitTable string
	CursorSecret   string
	// CursorSecretPrevious is the cursor key before a rotation ("" for none).
	CursorSecretPrevious string
	// Sender is status-notifier's From address (NOTIFICATION_SENDER).
	Sender   string
	LogLevel string // the functions' LOG_LEVEL

	// Events queue and its event source mapping.
	VisibilityTimeout time.Duration // default deploy.VisibilityTimeout(BatchingWindow), as infra/
	MaxReceiveCount   int
	BatchSize         int
	BatchingWindow    time.Duration
	// UpdaterConcurrency is the number of status-updater emulators and of event source pollers.
	UpdaterConcurrency int
	QueryConcurrency   int // status-query emulators

	// ScheduleEvery runs every scheduled function (deploy.Schedules: the stall sweep) at this
	// period instead of its own; 0 keeps deploy's (one minute). Tests shorten it.
	ScheduleEvery time.Duration

	// FunctionEnv adds to (or overrides) a function's environment, by function name: e.g. a
	// short {"status-query": {"STALL_WINDOW": "3s"}} for a test (see extraenv.go).
	FunctionEnv map[string]map[string]string

	// User, when set, is signed up, confirmed (running the real PostConfirmation trigger) and
	// logged in once the stack is ready; its tokens go into the State.
	User         string
	UserPassword string // default DefaultPassword
}

// DefaultPassword is the password of Config.User unless one is given; cognito-local's default
// policy accepts it.
const DefaultPassword = "Local-Passw0rd!"

// Defaults are the fixed ports of `make up` and the numbers of pkg/deploy.
func Defaults() Config {
	return Config{
		LambdaAddr:         "127.0.0.1:3001",
		HTTPAddr:           "127.0.0.1:3000",
		SQSAddr:            "127.0.0.1:4566",
		CognitoAddr:        "127.0.0.1:9229",
		SESAddr:            "127.0.0.1:8005",
		ReceiverAddr:       "127.0.0.1:8006",
		StatusTable:        "trainstatus-local-status",
		UserTable:          "trainstatus-local-users",
		CursorSecret:       "local-cursor-secret-not-for-production-0123456789",
		Sender:             "trainstatus@localhost.localdomain",
		LogLevel:           deploy.LogLevelVar.Default,
		VisibilityTimeout:  deploy.VisibilityTimeout(deploy.MaxBatchingWindow),
		MaxReceiveCount:    deploy.MaxReceiveCount,
		BatchSize:          deploy.BatchSize,
		BatchingWindow:     deploy.MaxBatchingWindow,
		UpdaterConcurrency: 2,
		QueryConcurrency:   2,
	}
}

// Ephemeral returns the defaults with every port free-picked: for tests.
func Ephemeral() Config {
	c := Defaults()
	c.LambdaAddr, c.HTTPAddr, c.SQSAddr, c.CognitoAddr, c.SESAddr = "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0", "127.0.0.1:0"
	c.ReceiverAddr = "127.0.0.1:0"
	return c
}

// fill completes c with the defaults.
func (c Config) fill(root string) Config {
	d := Defaults()
	set := func(p *string, v string) {
		if *p == "" {
			*p = v
		}
	}
	if c.Root == "" {
		c.Root = root
	}
	set(&c.BuildHost, filepath.Join(c.Root, "build", "host"))
	set(&c.LambdaAddr, d.LambdaAddr)
	set(&c.HTTPAddr, d.HTTPAddr)
	set(&c.SQSAddr, d.SQSAddr)
	set(&c.CognitoAddr, d.CognitoAddr)
	set(&c.SESAddr, d.SESAddr)
	set(&c.ReceiverAddr, d.ReceiverAddr)
	set(&c.StatusTable, d.StatusTable)
	set(&c.UserTable, d.UserTable)
	set(&c.TokensTable, c.UserTable+"-tokens")
	set(&c.RateLimitTable, c.UserTable+"-rate-limits")
	set(&c.CursorSecret, d.CursorSecret)
	set(&c.Sender, d.Sender)
	set(&c.LogLevel, d.LogLevel)
	if c.VisibilityTimeout <= 0 {
		c.VisibilityTimeout = deploy.VisibilityTimeout(c.BatchingWindow)
	}
	if c.MaxReceiveCount <= 0 {
		c.MaxReceiveCount = d.MaxReceiveCount
	}
	if c.BatchSize <= 0 {
		c.BatchSize = d.BatchSize
	}
	if c.UpdaterConcurrency <= 0 {
		c.UpdaterConcurrency = d.UpdaterConcurrency
	}
	if c.QueryConcurrency <= 0 {
		c.QueryConcurrency = d.QueryConcurrency
	}
	return c
}
