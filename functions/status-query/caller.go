package main

import (
	"context"
	"errors"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// callerRecord reads the caller's user record with one consistent GetItem (so a read right after
// a write shows it). When it cannot, ok is false and fail is the answer: 404 without a record
// (user-signup writes it at confirmation, and again at sign-in should that write have failed),
// 500 on any other error.
func (h *Handler) callerRecord(ctx context.Context, r *request) (u tables.UserItem, fail events.APIGatewayV2HTTPResponse, ok bool) {
	u, err := h.Users.Get(userKey(r.user)).Consistent().One(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return u, r.fail(errNoUser), false
	case err != nil:
		return u, r.internalError(err), false
	}
	return u, fail, true
}
