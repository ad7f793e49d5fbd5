package main

// maxCursorLen bounds a cursor: the key of a by_user page (request id, user id and time, each
// short) signed is about 500 characters.
const maxCursorLen = 1024

var errInvalidCursor = badRequest(CodeInvalidCursor, "cursor is not one this API gave for this listing")

// cursorWithinBound checks the bound status-query sets on a cursor: at most maxCursorLen
// characters. pkg/ddb judges the rest (strict base64url, no line breaks, the signature and its
// scope) before any DynamoDB call, and refuses a cursor with ddb.ErrInvalidCursor, which the
// handler answers with errInvalidCursor.
func cursorWithinBound(s string) bool {
	return len(s) <= maxCursorLen
}
