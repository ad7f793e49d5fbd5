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
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// Tokens authenticates a request's Authorization header (Authenticator).
type Tokens interface {
	Authenticate(ctx context.Context, header string) (item tables.TokenItem, lookedUp bool, err error)
	Used(ctx context.Context, item tables.TokenItem, now time.Time) (bool, error)
}

// Queue sends valid events to the events queue (*producer.Client): a *producer.BatchError lists
// those it could not send.
type Queue interface {
	SendBatch(ctx context.Context, events []trainevent.Event) error
}

// Handler answers POST /v1/events. It is plain Go over its parts: main wires them to DynamoDB
// and SQS, tests to DynamoDB Local and an in-memory SQS with faults.
type Handler struct {
	Tokens  Tokens
	Limiter Limiter
	Queue   Queue
	Log     *slog.Logger
	Metrics *emf.Writer
	Now     func() time.Time
}

// request is one request being served, with what its log line and metrics need.
type request struct {
	req      events.APIGatewayV2HTTPRequest
	ref      string
	user     string
	tokenID  string
	code     string
	internal error
	counts   counts
}

// Handle serves one request. It always answers (a JSON 500 on a panic) with a nil error.
func (h *Handler) Handle(ctx context.Context, req events.APIGatewayV2HTTPRequest) (resp events.APIGatewayV2HTTPResponse, _ error) {
	start := time.Now()
	r := &request{req: req, ref: req.RequestContext.RequestID}
	if lc, ok := lambdacontext.FromContext(ctx); ok && r.ref == "" {
		r.ref = lc.AwsRequestID
	}
	defer func() {
		if p := recover(); p != nil {
			resp = r.internalError(fmt.Errorf("panic: %v", p))
		}
		h.finish(ctx, r, resp, time.Since(start))
	}()
	callCtx, cancel := context.WithTimeout(ctx, Budget)
	defer cancel()
	return h.serve(callCtx, r), nil
}

func (r *request) fail(e *apiError) events.APIGatewayV2HTTPResponse {
	r.code = e.Code
	return errorResponse(e)
}

func (r *request) internalError(err error) events.APIGatewayV2HTTPResponse {
	r.internal = err
	msg := "internal error"
	if r.ref != "" {
		msg += "; reference " + r.ref
	}
	return r.fail(&apiError{Status: http.StatusInternalServerError, Code: CodeInternal, Message: msg})
}

func (h *Handler) serve(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	if aerr := checkRoute(r.req); aerr != nil {
		return r.fail(aerr)
	}
	if oversize(r.req) { // before anything costs a call
		r.counts.tooLarge = 1
		return r.fail(errTooLarge)
	}
	item, lookedUp, err := h.Tokens.Authenticate(ctx, header(r.req, "Authorization"))
	if lookedUp {
		r.counts.tokenLookups = 1
	}
	switch {
	case errors.Is(err, errUnknownToken):
		r.counts.unauthorized = 1
		return r.fail(errUnauthorized)
	case err != nil:
		return r.internalError(fmt.Errorf("token lookup: %w", err))
	}
	r.user, r.tokenID = item.UserID, item.TokenID
	raws, aerr := readEvents(r.req)
	if aerr != nil {
		if aerr.Status == http.StatusRequestEntityTooLarge {
			r.counts.tooLarge = 1
		}
		return r.fail(aerr)
	}
	ok, wait, err := h.Limiter.Take(ctx, r.user, len(raws))
	switch {
	case err != nil:
		return r.internalError(fmt.Errorf("rate limit: %w", err))
	case !ok:
		r.counts.rateLimited = 1
		return r.fail(&apiError{Status: http.StatusTooManyRequests, Code: CodeRateLimited, RetryAfter: wait,
			Message: "too many events from this user: try again after Retry-After seconds"})
	}
	if wrote, err := h.Tokens.Used(ctx, item, h.Now()); err != nil {
		// last_used_at is a hint to the user; the events matter more. Logged, not fatal.
		lambdalog.ForInvocation(ctx, h.Log).Warn("could not note the token's use", "token_id", item.TokenID, "error", err.Error())
	} else if wrote {
		r.counts.touches = 1
	}
	return h.enqueue(ctx, r, raws)
}

// enqueue validates each event as the owner's and sends the valid ones, answering per event.
func (h *Handler) enqueue(ctx context.Context, r *request, raws []json.RawMessage) events.APIGatewayV2HTTPResponse {
	out := statusapi.IngestResponse{Results: make([]statusapi.IngestResult, len(raws))}
	var valid []trainevent.Event
	var at []int // at[i] is the index in the request of valid[i]
	for i, raw := range raws {
		res := &out.Results[i]
		res.Index = i
		ev, err := trainevent.ParseOwned(raw, r.user)
		var fe *trainevent.FieldError
		if errors.As(err, &fe) {
			res.RequestID, res.Status, res.Field, res.Reason = requestIDOf(raw), statusapi.IngestRefused, fe.Field, fe.Reason
			out.Refused++
			continue
		}
		if err != nil {
			return r.internalError(err)
		}
		res.RequestID, res.Status = ev.RequestID, statusapi.IngestAccepted
		valid = append(valid, ev)
		at = append(at, i)
	}
	retry := false
	if len(valid) > 0 {
		err := h.Queue.SendBatch(ctx, valid)
		var be *producer.BatchError
		switch {
		case errors.As(err, &be):
			for _, f := range be.Failed {
				out.Results[at[f.Index]].Status = statusapi.IngestRetry
			}
			retry = true
			r.internal = err // for the log line: why
		case err != nil:
			return r.internalError(err)
		}
	}
	for _, res := range out.Results {
		switch res.Status {
		case statusapi.IngestAccepted:
			out.Accepted++
		case statusapi.IngestRetry:
			r.counts.retry++
		}
	}
	r.counts.accepted, r.counts.refused = out.Accepted, out.Refused
	return resultsResponse(out, retry)
}

// checkRoute accepts the ingest route only (the HTTP API sends nothing else here).
func checkRoute(req events.APIGatewayV2HTTPRequest) *apiError {
	key := req.RouteKey
	if key == "" {
		key = req.RequestContext.RouteKey
	}
	method, path, _ := strings.Cut(key, " ")
	if method == "ANY" {
		method = req.RequestContext.HTTP.Method
	}
	switch {
	case path != deploy.IngestRoute.Path:
		return errNoRoute
	case method != deploy.IngestRoute.Method:
		return &apiError{Status: http.StatusMethodNotAllowed, Code: CodeMethodNotAllowed, Message: "this path allows only POST"}
	}
	return nil
}

// header reads a request header in any case.
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

// finish writes the request's log line (INFO; WARN for a 503; ERROR for a 500, which the alarm
// counts) and its EMF line. Never the Authorization header or the body.
func (h *Handler) finish(ctx context.Context, r *request, resp events.APIGatewayV2HTTPResponse, took time.Duration) {
	c := r.counts
	attrs := []slog.Attr{
		slog.Int("status", resp.StatusCode),
		slog.String("api_request_id", r.req.RequestContext.RequestID),
		slog.String("user_id", r.user),
		slog.String("token_id", r.tokenID),
		slog.Int("accepted", c.accepted), slog.Int("refused", c.refused), slog.Int("retry", c.retry),
		slog.Int64("duration_ms", took.Milliseconds()),
	}
	if r.code != "" {
		attrs = append(attrs, slog.String("code", r.code))
	}
	level, msg := slog.LevelInfo, "request served"
	switch {
	case resp.StatusCode >= 500 && resp.StatusCode != http.StatusServiceUnavailable:
		level, msg = slog.LevelError, "request failed"
		c.errors = 1
		attrs = append(attrs, slog.String("reference", r.ref))
	case resp.StatusCode == http.StatusServiceUnavailable:
		level, msg = slog.LevelWarn, "events left to retry"
	}
	if r.internal != nil {
		attrs = append(attrs, slog.String("error", r.internal.Error()))
	}
	lambdalog.ForInvocation(ctx, h.Log).LogAttrs(context.Background(), level, msg, attrs...)
	c.write(h.Metrics, took)
}
