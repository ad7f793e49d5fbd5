package main

import (
	"encoding/json"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
)

// Error codes of the API, in the body of every error response.
const (
	CodeInvalidRequestID = "invalid_request_id"
	CodeInvalidLimit     = "invalid_limit"
	CodeInvalidCursor    = "invalid_cursor"
	CodeInvalidStatus    = "invalid_status"
	CodeInvalidQuery     = "invalid_query"
	CodeUnauthorized     = "unauthorized"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeInternal         = "internal"
)

// apiError is an error answer: an HTTP status and the code and message of the body.
type apiError struct {
	Status  int    `json:"-"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func badRequest(code, message string) *apiError {
	return &apiError{Status: http.StatusBadRequest, Code: code, Message: message}
}

var (
	errUnauthorized = &apiError{Status: http.StatusUnauthorized, Code: CodeUnauthorized,
		Message: "the request carries no authenticated user"}
	errJobNotFound = &apiError{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: "no such job"}
	errNoRoute = &apiError{Status: http.StatusNotFound, Code: CodeNotFound,
		Message: "no such resource; the API serves GET /status and GET /status/{request_id}"}
	errMethod = &apiError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed,
		Message: "only GET is allowed"}
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

// errorResponse answers e as {"error": {"code": ..., "message": ...}}.
func errorResponse(e *apiError) events.APIGatewayV2HTTPResponse {
	body, _ := json.Marshal(struct {
		Error *apiError `json:"error"`
	}{e}) // cannot fail: two strings
	resp := jsonResponse(e.Status, body)
	switch e.Status {
	case http.StatusMethodNotAllowed:
		resp.Headers["Allow"] = http.MethodGet
	case http.StatusUnauthorized:
		resp.Headers["WWW-Authenticate"] = "Bearer"
	}
	return resp
}
