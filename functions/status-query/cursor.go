package main

// maxCursorLen bounds a cursor: the signed key of a by_started page (user id, request id and
// start time, each short) and its issue time is about 400 characters.
const maxCursorLen = 1024

var (
	errInvalidCursor = badRequest(CodeInvalidCursor, "cursor is not one this API gave for this listing; start again from the first page")
	errCursorExpired = badRequest(CodeInvalidCursor, "cursor has expired; start again from the first page")
)

// cursorWithinBound checks the bound status-query sets on a cursor: at most maxCursorLen
// characters. pkg/ddb judges the rest (strict base64url, no line breaks, the signature, its scope
// and its age) before any DynamoDB call, and refuses a cursor with ddb.ErrInvalidCursor (or
// ddb.ErrCursorExpired), which the handler answers with errInvalidCursor (errCursorExpired).
func cursorWithinBound(s string) bool {
	return len(s) <= maxCursorLen
}
