package awserr

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// answered wraps err as the SDK does for an HTTP answer with status code.
func answered(code int, err error) error {
	return &awshttp.ResponseError{ResponseError: &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: code}}, Err: err}}
}

func TestTransient(t *testing.T) {
	unknownFault := &smithy.GenericAPIError{Code: "ValidationException", Message: "bad"}
	cases := []struct {
		name string
		err  error
		want aws.Ternary
	}{
		{"nil", nil, aws.FalseTernary},
		{"throttle code", &smithy.GenericAPIError{Code: "ThrottlingException"}, aws.TrueTernary},
		{"throughput exceeded", &types.ProvisionedThroughputExceededException{}, aws.TrueTernary},
		{"400 without fault type", answered(400, unknownFault), aws.FalseTernary},
		{"500 without fault type", answered(500, unknownFault), aws.TrueTernary},
		{"server fault", &smithy.GenericAPIError{Code: "X", Fault: smithy.FaultServer}, aws.TrueTernary},
		{"client fault", &smithy.GenericAPIError{Code: "X", Fault: smithy.FaultClient}, aws.FalseTernary},
		{"invalid parameters", fmt.Errorf("op: %w", smithy.InvalidParamsError{Context: "In"}), aws.FalseTernary},
		{"connection refused", &net.OpError{Op: "dial", Err: errors.New("connection refused")}, aws.TrueTernary},
		{"something else", errors.New("?"), aws.UnknownTernary},
		{"cancelled", context.Canceled, aws.UnknownTernary},
	}
	for _, tc := range cases {
		if got := Transient(tc.err); got != tc.want {
			t.Errorf("%s: Transient = %v, want %v", tc.name, got, tc.want)
		}
	}
}
