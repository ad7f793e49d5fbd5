package ddb_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/ddb"
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
