package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

// Handler answers the HTTP API. It is plain Go over the two tables: main wires them to DynamoDB,
// tests to DynamoDB Local (through ddbtest.Spy when they inject faults) or a stub.
type Handler struct {
	// Jobs is the status table, with the codec that signs page cursors.
	Jobs *ddb.Table[tables.StatusItem]
	// Users is the user table, where the caller's preferences live.
	Users *ddb.Table[tables.UserItem]
	// Alerts posts test alerts and decides which URLs are allowed (alerts.NewClient);
	// AllowLocal is its local setting, for validating URLs the same way.
	Alerts     *alerts.Client
	AllowLocal bool
	// Tokens are the caller's reporting tokens (the tokens table, counted on the user record).
	Tokens *tokenstore.Store
	Log    *slog.Logger
	// Budget bounds the DynamoDB call (and the Lambda deadline, if sooner).
	Budget time.Duration
	// StallWindow is how long a job that is not final may be silent before it is shown as stalled.
	StallWindow time.Duration
	// Now is the clock (time.Now in production): a job's stalled flag depends on it.
	Now func() time.Time
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

// internalError answers 500 with only a reference to quote; the cause, err, goes to the log.
func (r *request) internalError(err error) events.APIGatewayV2HTTPResponse {
	r.internal = err
	msg := "internal error"
	if r.ref != "" {
		msg += "; reference " + r.ref
	}
	return r.fail(&apiError{Status: 500, Code: CodeInternal, Message: msg})
}

// Handle serves one request. It always returns a response (a JSON 500 when something breaks,
// even a panic) and a nil error, so that API Gateway never answers with its own opaque error; the
// 500 is logged at ERROR level instead, which is what the alarms watch.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, _ error) {
	start := time.Now()
	r := &request{req: req, log: lambdalog.ForInvocation(ctx, h.Log), ref: req.RequestContext.RequestID}
	if lc, ok := lambdacontext.FromContext(ctx); ok && r.ref == "" {
		r.ref = lc.AwsRequestID
	}
	defer func() {
		if p := recover(); p != nil {
			resp = r.internalError(fmt.Errorf("panic: %v", p))
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
	switch rt {
	case routeGetJob:
		return h.getJob(callCtx, r, id)
	case routeListJobs:
		return h.listJobs(callCtx, r)
	case routeGetPreferences:
		return h.getPreferences(callCtx, r)
	case routePutPreferences:
		return h.putPreferences(callCtx, r)
	case routeGetAlerts:
		return h.getAlerts(callCtx, r)
	case routePutAlerts:
		return h.putAlerts(callCtx, r)
	case routeTestAlerts:
		return h.testAlerts(callCtx, r)
	case routeListTokens:
		return h.listTokens(callCtx, r)
	case routeCreateToken:
		return h.createToken(callCtx, r)
	case routeDeleteToken:
		return h.deleteToken(callCtx, r, id)
	}
	return r.internalError(fmt.Errorf("route %v has no handler", rt))
}

// caller is the authenticated user: the JWT's sub, set by the authorizer.
func caller(req events.APIGatewayV2HTTPRequest) string {
	a := req.RequestContext.Authorizer
	if a == nil || a.JWT == nil {
		return ""
	}
	return a.JWT.Claims["sub"]
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

// logRequest writes one line per request: INFO, or ERROR for a 5xx, with the cause, so that a
// metric filter on ERROR lines ({ $.level = "ERROR" }) counts every 5xx. Headers and bodies are
// never logged: they hold the bearer token and the user's data.
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
	level, msg := slog.LevelInfo, "request served"
	if resp.StatusCode >= 500 {
		level, msg = slog.LevelError, "request failed"
		attrs = append(attrs, slog.String("reference", r.ref))
		if r.internal != nil {
			attrs = append(attrs, slog.String("error", r.internal.Error()), slog.Bool("retryable", ddb.IsRetryable(r.internal)))
		}
	}
	r.log.LogAttrs(context.Background(), level, msg, attrs...)
}
