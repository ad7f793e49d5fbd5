package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Handler answers the HTTP API. It is plain Go: main wires it to the status table, tests to
// DynamoDB Local and a stub.
type Handler struct {
	Jobs JobStore
	Log  *slog.Logger
	// Budget bounds the DynamoDB call (and the Lambda deadline, if sooner).
	Budget time.Duration
}

// listBody is the answer to GET /status.
type listBody struct {
	Items      []tables.StatusItem `json:"items"`
	NextCursor string              `json:"next_cursor,omitempty"`
}

// request is one request being served, with what the log line needs.
type request struct {
	req      events.APIGatewayV2HTTPRequest
	log      *slog.Logger
	ref      string // the id a client can quote: API Gateway's request id, else Lambda's
	user     string
	route    route
	code     string // the error code answered, if any
	internal error  // the cause of a 500, for the log only
}

// fail answers e and notes its code for the log.
func (r *request) fail(e *apiError) events.APIGatewayV2HTTPResponse {
	r.code = e.Code
	return errorResponse(e)
}

// Handle serves one request. It always returns a response (a JSON 500 when something breaks,
// even a panic) and a nil error, so that API Gateway never answers with its own opaque error.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, _ error) {
	start := time.Now()
	r := &request{req: req, log: h.Log, ref: req.RequestContext.RequestID}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		r.log = r.log.With("aws_request_id", lc.AwsRequestID)
		if r.ref == "" {
			r.ref = lc.AwsRequestID
		}
	}
	defer func() {
		if p := recover(); p != nil {
			r.internal = fmt.Errorf("panic: %v", p)
			resp = r.internalError()
		}
		h.logRequest(r, resp, time.Since(start))
	}()
	return h.serve(ctx, r), nil
}

func (h *Handler) serve(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	r.user = caller(r.req)
	if r.user == "" {
		return r.fail(errUnauthorized)
	}
	rt, id, aerr := resolve(r.req)
	r.route = rt
	if aerr != nil {
		return r.fail(aerr)
	}
	callCtx, cancel := context.WithTimeout(ctx, h.Budget)
	defer cancel()
	if rt == routeGet {
		return h.getJob(callCtx, r, id)
	}
	return h.listJobs(callCtx, r)
}

// caller is the authenticated user: the JWT's sub, set by the authorizer.
func caller(req events.APIGatewayV2HTTPRequest) string {
	a := req.RequestContext.Authorizer
	if a == nil || a.JWT == nil {
		return ""
	}
	return a.JWT.Claims["sub"]
}

func (h *Handler) getJob(ctx context.Context, r *request, id string) events.APIGatewayV2HTTPResponse {
	job, err := h.Jobs.Job(ctx, id)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return r.fail(errJobNotFound)
	case err != nil:
		r.internal = err
		return r.internalError()
	case job.UserID != r.user:
		return r.fail(errJobNotFound) // the same answer as a missing job: nothing leaks
	}
	body, err := json.Marshal(job)
	if err != nil {
		r.internal = err
		return r.internalError()
	}
	etag := etagOf(body)
	if noneMatch(header(r.req, "If-None-Match"), etag) {
		resp := events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNotModified, Headers: baseHeaders()}
		resp.Headers["ETag"] = etag
		return resp
	}
	resp := jsonResponse(http.StatusOK, body)
	resp.Headers["ETag"] = etag
	return resp
}

func (h *Handler) listJobs(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	q, aerr := parseListQuery(rawQuery(r.req))
	if aerr != nil {
		return r.fail(aerr)
	}
	page, err := h.Jobs.Jobs(ctx, r.user, q)
	switch {
	case errors.Is(err, ddb.ErrInvalidCursor):
		return r.fail(errInvalidCursor)
	case err != nil:
		r.internal = err
		return r.internalError()
	}
	body, err := json.Marshal(listBody{Items: page.Items, NextCursor: page.Next})
	if err != nil {
		r.internal = err
		return r.internalError()
	}
	return jsonResponse(http.StatusOK, body)
}

// internalError answers 500 with only a reference to quote; the cause goes to the log.
func (r *request) internalError() events.APIGatewayV2HTTPResponse {
	msg := "internal error"
	if r.ref != "" {
		msg += "; reference " + r.ref
	}
	return r.fail(&apiError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: msg})
}

// header reads a request header by name in any case (API Gateway lower-cases them; other
// integrations may not).
func header(req events.APIGatewayV2HTTPRequest, name string) string {
	if v, ok := req.Headers[strings.ToLower(name)]; ok {
		return v
	}
	for k, v := range req.Headers {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// logRequest writes one line per request. Headers are never logged: they hold the bearer token.
func (h *Handler) logRequest(r *request, resp events.APIGatewayV2HTTPResponse, took time.Duration) {
	attrs := []slog.Attr{
		slog.Int("status", resp.StatusCode),
		slog.String("route", r.route.String()),
		slog.String("method", r.req.RequestContext.HTTP.Method),
		slog.String("path", r.req.RawPath),
		slog.String("api_request_id", r.req.RequestContext.RequestID),
		slog.String("user_id", r.user),
		slog.Int64("duration_ms", took.Milliseconds()),
	}
	if r.code != "" {
		attrs = append(attrs, slog.String("code", r.code))
	}
	level := slog.LevelInfo
	if resp.StatusCode >= 500 {
		level = slog.LevelError
		if r.internal != nil {
			attrs = append(attrs, slog.String("error", r.internal.Error()), slog.Bool("retryable", ddb.IsRetryable(r.internal)))
		}
	}
	r.log.LogAttrs(context.Background(), level, "request served", attrs...)
}
