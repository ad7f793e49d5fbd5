package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// stubbedClient is the production client configuration (retryer, per-attempt timeout) over a
// stub endpoint.
func stubbedClient(stub *ddbtest.Stub) *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region: "us-east-1", BaseEndpoint: aws.String("http://stub.invalid"),
		Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:  &http.Client{Transport: stub, Timeout: Limits.AttemptTimeout},
		Retryer:     Limits.Retryer(),
	})
}

// TestRetriesFitInBudget runs the real SDK retryer and timeouts against an endpoint that fails in
// each way: the handler gives up within Budget (well inside Cognito's 5 s) after the expected
// number of attempts, with a StoreError.
func TestRetriesFitInBudget(t *testing.T) {
	if Limits.Worst() >= Budget {
		t.Fatalf("the retries (%+v: %v) do not fit in the budget %v", Limits, Limits.Worst(), Budget)
	}
	cases := []struct {
		name     string
		status   int
		body     string
		delay    time.Duration
		attempts int64
	}{
		{"server error", 500, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"boom"}`, 0, int64(Limits.MaxAttempts)},
		{"throttled", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow down"}`, 0, int64(Limits.MaxAttempts)},
		{"never answers", 200, `{}`, time.Minute, int64(Limits.MaxAttempts)},
		{"refused request", 400, `{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}`, 0, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stub := ddbtest.NewStub().Respond("UpdateItem", tc.status, tc.body)
			stub.Delay = tc.delay
			h := &Handler{
				Users:  ddb.NewTable(stubbedClient(stub), "users", tables.UserSchema),
				Log:    slog.New(slog.NewJSONHandler(io.Discard, nil)),
				Budget: Budget, Now: time.Now,
			}
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			start := time.Now()
			_, err := h.Handle(ctx, sampleBytes(t, "signup.json"))
			took := time.Since(start)
			if !errors.Is(err, ErrUserTable) {
				t.Fatalf("error %v, want ErrUserTable", err)
			}
			if took > Budget {
				t.Errorf("took %v, more than the budget %v", took, Budget)
			}
			if n := stub.Calls("UpdateItem"); n != tc.attempts {
				t.Errorf("%d attempts, want %d", n, tc.attempts)
			}
		})
	}
}
