// Package awsjson makes calls to AWS JSON APIs (AWS JSON 1.0 and REST-JSON POST operations) with
// the SDK's own parts: the configuration's credentials, HTTP client, retryer and endpoint
// settings, the Signature Version 4 signer, and the SDK's error types. What it leaves out is the
// service's generated client package.
//
// Why: a generated service package builds its whole model when the process starts
// (service/sesv2 about 0.5 ms, service/sqs about 0.2 ms of package initialisation on the
// benchmark machine), on every cold start of every function that links it, even one that makes a
// single kind of call. Two functions make one kind of call to a second service: the
// status-notifier's SES SendEmail and the status-updater's dead-letter SQS SendMessage. Sending
// those through this package instead of service/sesv2 and service/sqs brings both functions'
// start-to-ready under 1.6x a minimal Go function (BENCHMARKS.md, coldstart). The CLI, the local
// stack and the tests keep the generated clients, where start-up time does not matter.
//
// What a call does, as the generated clients do it:
//   - the endpoint: AWS_ENDPOINT_URL_<SERVICE> (through the configuration's sources, unless
//     AWS_IGNORE_CONFIGURED_ENDPOINT_URLS), else AWS_ENDPOINT_URL (aws.Config.BaseEndpoint), else
//     the service's regional endpoint (https://<prefix>.<region>.amazonaws.com, .amazonaws.com.cn
//     in China);
//   - the request: the JSON body, X-Amz-Target and Content-Type of the protocol, signed with SigV4
//     for the service's signing name and the configuration's region and credentials;
//   - retries: the configuration's retryer decides what is retryable, how often and how long to
//     wait, and its retry quota applies; each attempt is bounded by the configuration's HTTP
//     client (awsconfig.Limits.AttemptTimeout) and by ctx;
//   - errors: the same shapes as the SDK's, so that errors.As with smithy.APIError,
//     *awshttp.ResponseError, *smithy.OperationError and *retry.MaxAttemptsError, the retryer
//     and pkg/awserr treat them as they treat the generated clients' errors. An error answer's
//     code comes from the query-compatible header (x-amzn-query-error, as SQS sends it), else
//     X-Amzn-ErrorType, else the body's __type or code, without the namespace.
//
// Also as the SDK does: inside Lambda, the invocation's _X_AMZN_TRACE_ID goes out as
// X-Amzn-Trace-Id (X-Ray, the dead letter's AWSTraceHeader, Lambda's recursive-loop detection),
// and the caller's cancelled context is a *smithy.CanceledError (during an attempt) or an
// *aws.RequestCanceledError (during a wait), never retried.
//
// What it does not do: FIPS and dual-stack endpoints (a FIPS pseudo-region is refused rather than
// resolved to a non-FIPS host), clock-skew correction, the x-amz-retry-after hint, request
// compression, event streams, and any operation that is not a POST of a JSON body (its callers
// need none). Responses larger than MaxResponseBytes are refused.
package awsjson
