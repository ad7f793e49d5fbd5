package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestIsRetryable(t *testing.T) {
	wrap := func(err error) error { return &ddb.OpError{Op: "UpdateItem", Table: "t", Err: err} }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"not found", wrap(ddb.ErrNotFound), false},
		{"condition failed", wrap(&ddb.ConditionFailedError[widget]{}), false},
		{"invalid value", wrap(&ddb.InvalidValueError{Attribute: "a", Value: "b"}), false},
		{"invalid cursor", wrap(ddb.ErrInvalidCursor), false},
		{"throughput exceeded", wrap(&types.ProvisionedThroughputExceededException{}), true},
		{"throttling code", wrap(&smithy.GenericAPIError{Code: "ThrottlingException", Fault: smithy.FaultClient}), true},
		{"internal server error", wrap(&types.InternalServerError{}), true},
		{"server fault", wrap(&smithy.GenericAPIError{Code: "ServiceUnavailable", Fault: smithy.FaultServer}), true},
		{"validation", wrap(&smithy.GenericAPIError{Code: "ValidationException", Fault: smithy.FaultClient}), false},
		{"missing table", wrap(&types.ResourceNotFoundException{}), false},
		{"deadline", wrap(fmt.Errorf("send: %w", context.DeadlineExceeded)), true},
		{"connection refused", wrap(&net.OpError{Op: "dial", Err: errors.New("connection refused")}), true},
	}
	for _, tc := range cases {
		if got := ddb.IsRetryable(tc.err); got != tc.want {
			t.Errorf("%s: IsRetryable = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestIsRetryableOnWireErrors sends real error responses through the SDK (the stub answers with
// DynamoDB's wire format), so classification is tested on the errors the SDK really returns.
func TestIsRetryableOnWireErrors(t *testing.T) {
	cases := []struct {
		name   string
		status int
		body   string
		want   bool
	}{
		{"validation", 400, `{"__type":"com.amazon.coral.validate#ValidationException","message":"bad"}`, false},
		{"conditional check", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ConditionalCheckFailedException","message":"no"}`, false},
		{"access denied", 400, `{"__type":"com.amazon.coral.service#AccessDeniedException","message":"no"}`, false},
		{"missing table", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ResourceNotFoundException","message":"no"}`, false},
		{"throughput exceeded", 400, `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException","message":"slow"}`, true},
		{"throttling", 400, `{"__type":"com.amazon.coral.availability#ThrottlingException","message":"slow"}`, true},
		{"internal error", 500, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"boom"}`, true},
		{"unavailable", 503, `{"__type":"com.amazon.coral.availability#ServiceUnavailableException","message":"later"}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			stub := ddbtest.NewStub().Respond("GetItem", tc.status, tc.body)
			client := dynamodb.New(dynamodb.Options{
				Region: "us-east-1", BaseEndpoint: aws.String("http://stub.invalid"),
				Credentials: credentials.NewStaticCredentialsProvider("local", "local", ""),
				HTTPClient:  &http.Client{Transport: stub},
				Retryer:     aws.NopRetryer{},
			})
			_, err := ddb.NewTable(client, "widgets", widgets).Get(key("ann", 1)).One(context.Background())
			if err == nil {
				t.Fatal("no error")
			}
			if got := ddb.IsRetryable(err); got != tc.want {
				t.Errorf("IsRetryable(%v) = %v, want %v", err, got, tc.want)
			}
		})
	}
}
