package main

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// Error codes of the endpoint (the body of every error answer is statusapi.ErrorBody).
const (
	CodeInvalidBody      = "invalid_body"
	CodeBodyTooLarge     = "body_too_large"
	CodeUnauthorized     = "unauthorized"
	CodeRateLimited      = "rate_limited"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeInternal         = "internal"
)

// apiError is an error answer.
type apiError struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration // for a 429 or a 503
}

func invalidBody(msg string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: CodeInvalidBody, Message: msg}
}

var (
	// errUnauthorized is the one answer for a missing, malformed, unknown or revoked token.
	errUnauthorized = &apiError{Status: http.StatusUnauthorized, Code: CodeUnauthorized, Message: "missing, unknown or revoked token"}
	errTooLarge     = &apiError{Status: http.StatusRequestEntityTooLarge, Code: CodeBodyTooLarge,
		Message: "the body must be at most " + strconv.Itoa(statusapi.MaxIngestBody) + " bytes"}
	errNoRoute = &apiError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such resource"}
)

// retryAfterSeconds is a Retry-After value: whole seconds, rounded up, at least 1.
func retryAfterSeconds(d time.Duration) string {
	s := int64((d + time.Second - 1) / time.Second)
	return strconv.FormatInt(max(s, 1), 10)
}

func headers() map[string]string {
	return map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}
}

func errorResponse(e *apiError) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(statusapi.ErrorBody{Error: statusapi.ErrorDetail{Code: e.Code, Message: e.Message}}) // two strings
	resp := events.APIGatewayV2HTTPResponse{StatusCode: e.Status, Headers: headers(), Body: string(body)}
	switch e.Status {
	case http.StatusUnauthorized:
		resp.Headers["WWW-Authenticate"] = "Bearer"
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		resp.Headers["Retry-After"] = retryAfterSeconds(e.RetryAfter)
	case http.StatusMethodNotAllowed:
		resp.Headers["Allow"] = "POST"
	}
	return resp
}

// resultsResponse answers a read request: 200, or 503 with Retry-After when some events are to
// be sent again.
func resultsResponse(out statusapi.IngestResponse, retry bool) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(out) // ints and strings
	resp := events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK, Headers: headers(), Body: string(body)}
	if retry {
		resp.StatusCode = http.StatusServiceUnavailable
		resp.Headers["Retry-After"] = retryAfterSeconds(RetryAfterUnsent)
	}
	return resp
}
