package main

import (
	"encoding/base64"
	"strings"
)

// maxCursorLen bounds a cursor: the key of a by_user page (request id, user id and time, each
// short) signed is about 500 characters.
const maxCursorLen = 1024

var errInvalidCursor = badRequest(CodeInvalidCursor, "cursor is not one this API gave for this listing")

// wellFormedCursor checks the form of a cursor before pkg/ddb verifies its signature: at most
// maxCursorLen characters, a payload and a 32-byte HMAC, both canonical unpadded base64url. The
// strict decoding matters: the lenient one ignores line breaks and the unused low bits of the
// last character, so several strings would carry the same signature.
func wellFormedCursor(s string) bool {
	if len(s) > maxCursorLen {
		return false
	}
	body, sig, ok := strings.Cut(s, ".")
	if !ok || body == "" || strings.Contains(sig, ".") {
		return false
	}
	strict := base64.RawURLEncoding.Strict()
	if _, err := strict.DecodeString(body); err != nil || strings.ContainsAny(body, "\r\n") {
		return false
	}
	mac, err := strict.DecodeString(sig)
	return err == nil && len(mac) == 32 && !strings.ContainsAny(sig, "\r\n")
}
