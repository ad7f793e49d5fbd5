// Package ddbtest runs tests against the official Amazon DynamoDB Local (started through
// internal/dynamodblocal): it hands tests a configured client and a fresh table per test, a spy
// that counts and fails calls (Spy), and an in-process stub for benchmarks (Stub). When
// DDBTEST_ENDPOINT names a running instance (make test starts one for all packages with
// internal/tools/ddblocal), it uses that instead of starting one.
//
// A test package calls Main from TestMain:
//
//	func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }
//
// If DynamoDB Local cannot be installed or started, the test fails with what is missing: tests
// never skip silently.
package ddbtest

import (
	"context"
	"fmt"
	"os"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/pkg/ddb"
)

// EnvEndpoint names a running DynamoDB Local to use instead of starting one.
const EnvEndpoint = "DDBTEST_ENDPOINT"

var (
	endpoint  string
	startOnce sync.Once
	startErr  error
	server    *dynamodblocal.Server
	// mainCalled guards against a package that starts a server without Main to stop it.
	mainCalled bool
)

// Main runs the tests of a package and returns the exit code for os.Exit. DynamoDB Local is
// started on first use (so benchmarks against a stub start nothing), from DDBTEST_ENDPOINT if set,
// otherwise as a server of this test binary that is stopped when the tests end.
func Main(m *testing.M) int {
	endpoint = os.Getenv(EnvEndpoint)
	mainCalled = true
	code := m.Run()
	server.Stop()
	return code
}

// Endpoint returns the DynamoDB Local endpoint of this test binary, starting it if needed. If it
// cannot start, the test fails with the reason.
func Endpoint(t testing.TB) string {
	t.Helper()
	if !mainCalled {
		t.Fatal("ddbtest: call ddbtest.Main from TestMain, so that the server it starts is stopped")
	}
	startOnce.Do(func() {
		if endpoint != "" {
			return
		}
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		server, startErr = dynamodblocal.Start(ctx)
		if startErr == nil {
			endpoint = server.Endpoint
		}
	})
	if startErr != nil {
		t.Fatalf("these tests need DynamoDB Local and it could not start: %v", startErr)
	}
	return endpoint
}

// Client returns a client for this test binary's DynamoDB Local.
func Client(t testing.TB) *dynamodb.Client { return NewClient(Endpoint(t)) }

var tableSeq atomic.Int64

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_.-]+`)

// TableName returns a table name unique to this test (and this run), valid for DynamoDB.
func TableName(t testing.TB) string {
	name := unsafeChars.ReplaceAllString(t.Name(), "_")
	if len(name) > 150 {
		name = name[:150]
	}
	return fmt.Sprintf("%s_%d_%d", strings.Trim(name, "_"), os.Getpid(), tableSeq.Add(1))
}

// NewTable creates a fresh table for schema under a unique name, and deletes it when the test
// ends. Extra options (cursor codec, ...) are passed to ddb.NewTable.
func NewTable[T any](t testing.TB, schema *ddb.Schema[T], opts ...ddb.Option) *ddb.Table[T] {
	t.Helper()
	return NewTableWithClient(t, Client(t), schema, opts...)
}

// NewTableWithClient is NewTable over a given client (one that injects faults, say); the table
// itself is created and deleted through a plain client.
func NewTableWithClient[T any](t testing.TB, client ddb.API, schema *ddb.Schema[T], opts ...ddb.Option) *ddb.Table[T] {
	t.Helper()
	name := TableName(t)
	plain := Client(t)
	setup := ddb.NewTable(plain, name, schema, ddb.WithWaitPoll(20*time.Millisecond))
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := setup.CreateIfMissing(ctx); err != nil {
		t.Fatalf("ddbtest: creating table %s: %v", name, err)
	}
	t.Cleanup(func() {
		_, _ = plain.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: aws.String(name)})
	})
	return ddb.NewTable(client, name, schema, opts...)
}

// NewClient returns a DynamoDB client for a local endpoint (dynamodblocal.NewClient): static dummy
// credentials and no dependence on the environment's AWS settings.
func NewClient(endpoint string) *dynamodb.Client { return dynamodblocal.NewClient(endpoint) }
