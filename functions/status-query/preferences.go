package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// maxPreferencesBody bounds PUT /me/preferences: {"email_notifications": false} is 30 bytes.
const maxPreferencesBody = 1 << 10

// userKey is the caller's own user record: nobody reads or writes another's.
func userKey(user string) ddb.Key { return ddb.Key{Partition: user} }

// getPreferences answers GET /me/preferences from the caller's user record, with one consistent
// GetItem (so a GET right after a PUT shows the change). A record without the attribute has the
// defaults (tables.UserItem.WantsEmail); a caller without a record gets a 404 (user-signup writes
// it at confirmation, and again at sign-in should that write have failed).
func (h *Handler) getPreferences(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	u, fail, ok := h.callerRecord(ctx, r)
	if !ok {
		return fail
	}
	return preferencesResponse(r, u)
}

// putPreferences answers PUT /me/preferences: a strict statusapi.PreferencesUpdate body, then one
// UpdateItem on the caller's record, conditional on the record existing (a PUT never creates a
// user without the sign-up data), answered with the stored preferences.
func (h *Handler) putPreferences(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	var in statusapi.PreferencesUpdate
	if aerr := decodeBody(r.req, maxPreferencesBody, &in); aerr != nil {
		return r.fail(aerr)
	}
	if in.EmailNotifications == nil {
		return r.fail(badRequest(CodeInvalidField, "email_notifications is required: true or false"))
	}
	u, err := h.Users.Update(userKey(r.user)).Set(tables.AttrEmailNotifications, *in.EmailNotifications).Value(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return r.fail(errNoUser)
	case err != nil:
		return r.internalError(err)
	}
	return preferencesResponse(r, u)
}

func preferencesResponse(r *request, u tables.UserItem) events.APIGatewayV2HTTPResponse {
	body, err := json.Marshal(statusapi.Preferences{EmailNotifications: u.WantsEmail()})
	if err != nil {
		return r.internalError(err)
	}
	return jsonResponse(http.StatusOK, body)
}
