package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

// maxTokenBody bounds POST /me/tokens: {"name": 64 characters of up to 4 bytes, escaped}.
const maxTokenBody = 2 << 10

var (
	errTooManyTokens = &apiError{Status: http.StatusConflict, Code: CodeTooManyTokens,
		Message: "you hold the most reporting tokens allowed (20): revoke one first"}
	errInvalidName = badRequest(CodeInvalidName, "name must be 1 to 64 characters, with no control character")
	// errTokenNotFound answers a missing token and another user's alike.
	errTokenNotFound = &apiError{Status: http.StatusNotFound, Code: CodeNotFound, Message: "no such token"}
)

// listTokens answers GET /me/tokens: the caller's tokens, newest first, one Query.
func (h *Handler) listTokens(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	items, err := h.Tokens.List(ctx, r.user)
	if err != nil {
		return r.internalError(err)
	}
	out := statusapi.TokenList{Tokens: make([]statusapi.Token, 0, len(items))}
	for _, it := range items {
		out.Tokens = append(out.Tokens, tokenView(it))
	}
	return marshalled(r, http.StatusOK, out)
}

// createToken answers POST /me/tokens {"name": "..."}: 201 with the token and its secret, shown
// this once; 409 at the limit; 404 without a user record (as for preferences).
func (h *Handler) createToken(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	var in statusapi.TokenCreate
	if aerr := decodeBody(r.req, maxTokenBody, &in); aerr != nil {
		return r.fail(aerr)
	}
	item, secret, err := h.Tokens.Create(ctx, r.user, in.Name)
	switch {
	case errors.Is(err, token.ErrInvalidName):
		return r.fail(errInvalidName)
	case errors.Is(err, tokenstore.ErrTooMany):
		return r.fail(errTooManyTokens)
	case errors.Is(err, tokenstore.ErrNoUser):
		return r.fail(errNoUser)
	case err != nil:
		return r.internalError(err)
	}
	return marshalled(r, http.StatusCreated, statusapi.CreatedToken{Token: tokenView(item), Secret: secret.Reveal()})
}

// deleteToken answers DELETE /me/tokens/{token_id}: 204, or 404 for a token that is missing or
// another user's.
func (h *Handler) deleteToken(ctx context.Context, r *request, id string) events.APIGatewayV2HTTPResponse {
	err := h.Tokens.Revoke(ctx, r.user, id)
	switch {
	case errors.Is(err, tokenstore.ErrNotFound):
		return r.fail(errTokenNotFound)
	case err != nil:
		return r.internalError(err)
	}
	return jsonResponse(http.StatusNoContent, nil)
}

// tokenView is the API's view of a stored token: never its hash or owner.
func tokenView(it tables.TokenItem) statusapi.Token {
	return statusapi.Token{ID: it.TokenID, Name: it.Name, Prefix: it.Prefix, CreatedAt: it.CreatedAt, LastUsedAt: it.LastUsedAt}
}

// marshalled answers status with v as JSON.
func marshalled(r *request, status int, v any) events.APIGatewayV2HTTPResponse {
	body, err := json.Marshal(v)
	if err != nil {
		return r.internalError(err)
	}
	return jsonResponse(status, body)
}
