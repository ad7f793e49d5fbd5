package awserr

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
)

func TestMisconfiguration(t *testing.T) {
	api := func(code string) error {
		return &smithy.GenericAPIError{Code: code, Message: "m", Fault: smithy.FaultClient}
	}
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"no table", &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}, true},
		{"no table, wrapped", fmt.Errorf("status table: %w", &types.ResourceNotFoundException{}), true},
		{"no queue (JSON protocol)", &sqstypes.QueueDoesNotExist{}, true},
		{"no queue (query protocol)", api("AWS.SimpleQueueService.NonExistentQueue"), true},
		{"no permission", api("AccessDeniedException"), true},
		{"no permission on the queue's key", api("KMS.AccessDeniedException"), true},
		{"expired credentials", api("ExpiredTokenException"), true},
		{"throttled", &types.ProvisionedThroughputExceededException{}, false},
		{"condition failed", &types.ConditionalCheckFailedException{}, false},
		{"validation", api("ValidationException"), false},
		{"server error", &smithy.GenericAPIError{Code: "InternalServerError", Fault: smithy.FaultServer}, false},
		{"timeout", context.DeadlineExceeded, false},
		{"other", errors.New("?"), false},
		{"nil", nil, false},
	}
	for _, tc := range cases {
		if got := Misconfiguration(tc.err); got != tc.want {
			t.Errorf("%s: Misconfiguration(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
