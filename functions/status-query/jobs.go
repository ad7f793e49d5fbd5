package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// view is how jobs are shown to this request.
func (h *Handler) view() view { return view{now: h.Now(), stallWindow: h.StallWindow} }

// getJob answers GET /status/{request_id} with one strongly consistent GetItem on the caller's
// key: ownership is the key, so another user's job is simply not there (the same 404 as a
// missing one). The read is consistent because a tracker polls a job right after its events are
// written: an eventually consistent read may answer with an older version than the one the
// client has already seen (SUCCESS, then IN_PROGRESS again), which would also make the ETag flap.
// For an item this small it costs 1 read unit instead of 0.5.
func (h *Handler) getJob(ctx context.Context, r *request, id string) events.APIGatewayV2HTTPResponse {
	item, err := h.Jobs.Get(tables.StatusKey(r.user, id)).Consistent().One(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return r.fail(errJobNotFound)
	case err != nil:
		return r.internalError(err)
	}
	j, err := h.view().job(item)
	if err != nil {
		return r.internalError(err)
	}
	body, err := json.Marshal(j)
	if err != nil {
		return r.internalError(err)
	}
	etag := etagOf(body)
	resp := jsonResponse(http.StatusOK, body)
	if noneMatch(header(r.req, "If-None-Match"), etag) {
		resp = events.APIGatewayV2HTTPResponse{StatusCode: http.StatusNotModified, Headers: baseHeaders()}
	}
	resp.Headers["ETag"] = etag
	return resp
}

// listJobs answers GET /status with one Query page of the caller's item collection, through the
// local index by_started: newest start first, strongly consistent (a job written just before is
// listed). With a status filter, DynamoDB applies the limit before the filter, so a page may hold
// fewer items than the limit (even none) and still have a next cursor.
func (h *Handler) listJobs(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	q, aerr := parseListQuery(rawQuery(r.req))
	if aerr != nil {
		return r.fail(aerr)
	}
	query := h.Jobs.Query(r.user).Index(tables.IndexByStarted).Consistent().Descending().Limit(q.Limit)
	if q.Status != "" {
		query = query.Filter(expression.Name(tables.AttrStatus).Equal(expression.Value(q.Status)))
	}
	page, err := query.Page(ctx, q.Cursor)
	switch {
	case errors.Is(err, ddb.ErrCursorExpired):
		return r.fail(errCursorExpired)
	case errors.Is(err, ddb.ErrInvalidCursor):
		return r.fail(errInvalidCursor)
	case err != nil:
		return r.internalError(err)
	}
	v := h.view()
	list := statusapi.JobList{Items: make([]statusapi.Job, len(page.Items)), NextCursor: page.Next}
	for i, it := range page.Items {
		if list.Items[i], err = v.job(it); err != nil {
			return r.internalError(err)
		}
	}
	body, err := json.Marshal(list)
	if err != nil {
		return r.internalError(err)
	}
	return jsonResponse(http.StatusOK, body)
}
