package main

import (
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// Error codes of the API, in the body of every error response.
const (
	CodeInvalidRequestID = "invalid_request_id"
	CodeInvalidLimit     = "invalid_limit"
	CodeInvalidCursor    = "invalid_cursor"
	CodeInvalidStatus    = "invalid_status"
	CodeInvalidQuery     = "invalid_query"
	CodeInvalidBody      = "invalid_body"   // not a JSON object, or something after it
	CodeUnknownField     = "unknown_field"  // a field the body type does not have
	CodeInvalidField     = "invalid_field"  // a field of the wrong type, or a required one missing
	CodeBodyTooLarge     = "body_too_large" // more bytes than the route accepts
	CodeUnauthorized     = "unauthorized"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeInternal         = "internal"
	CodeInvalidName      = "invalid_name"    // a reporting token's name
	CodeTooManyTokens    = "too_many_tokens" // the caller holds token.MaxPerUser tokens
)

// apiError is an error answer: an HTTP status and the code and message of the body.
type apiError struct {
	Status  int
	Code    string
	Message string
	// Allow lists the methods of the path, for a 405.
	Allow string
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func badRequest(code, message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: message}
}

func methodNotAllowed(allow string) *apiError {
	return &apiError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
		Message: "this path allows only " + allow, Allow: allow}
}

var (
	errUnauthorized = &apiError{Status: http.StatusUnauthorized, Code: CodeUnauthorized,
		Message: "the request carries no authenticated user"}
	// errJobNotFound answers a missing job and another user's job alike.
	errJobNotFound = &apiError{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: "no such job"}
	errNoUser = &apiError{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: "no user record for the caller; signing in again creates it"}
	errNoRoute = &apiError{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: "no such resource"}
	errInvalidRequestID = badRequest(CodeInvalidRequestID,
		"request_id must be 1 to 128 characters of A-Za-z0-9._:-")
)

// baseHeaders are on every response.
func baseHeaders() map[string]string {
	return map[string]string{"Content-Type": "application/json", "Cache-Control": "no-store"}
}

// jsonResponse answers status with body (already JSON).
func jsonResponse(status int, body []byte) events.APIGatewayV2HTTPResponse {
	return events.APIGatewayV2HTTPResponse{StatusCode: status, Headers: baseHeaders(), Body: string(body)}
}

// errorResponse answers e as statusapi.ErrorBody.
func errorResponse(e *apiError) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(statusapi.ErrorBody{Error: statusapi.ErrorDetail{Code: e.Code, Message: e.Message}}) // two strings: cannot fail
	resp := jsonResponse(e.Status, body)
	if e.Allow != "" {
		resp.Headers["Allow"] = e.Allow
	}
	if e.Status == http.StatusUnauthorized {
		resp.Headers["WWW-Authenticate"] = "Bearer"
	}
	return resp
}
