package awserr

import (
	"errors"

	"github.com/aws/smithy-go"
)

// misconfigurationCodes are the error codes of a deployment that cannot work, whatever the
// request: a missing table or queue, a missing permission (on DynamoDB, SQS or a queue's KMS
// key), bad or expired credentials. Matched by code rather than by the services' error types,
// so that this package links no service client (pkg/producer, which imports it, must not link
// DynamoDB's).
var misconfigurationCodes = map[string]bool{
	"ResourceNotFoundException":               true, // DynamoDB: no such table (or index)
	"AWS.SimpleQueueService.NonExistentQueue": true, // SQS, query protocol
	"QueueDoesNotExist":                       true, // SQS, JSON protocol
	"AccessDeniedException":                   true,
	"AccessDenied":                            true,
	"UnrecognizedClientException":             true,
	"InvalidSignatureException":               true,
	"MissingAuthenticationTokenException":     true,
	"ExpiredTokenException":                   true,
	"InvalidClientTokenId":                    true,
	"KMS.AccessDeniedException":               true,
	"KMS.DisabledException":                   true,
	"KMS.NotFoundException":                   true,
}

// Misconfiguration reports whether err says the deployment itself is broken (see
// misconfigurationCodes): no message, and no retry of one, can avoid it, so a function should
// fail loudly rather than blame (or dead-letter) the input.
func Misconfiguration(err error) bool {
	var apiErr smithy.APIError
	return errors.As(err, &apiErr) && misconfigurationCodes[apiErr.ErrorCode()]
}
