package main

import (
	"crypto/sha256"
	"encoding/base64"
	"strings"
)

// etagOf is the strong entity tag of a response body: a hash of its bytes, so equal bodies,
// and only those, share a tag whichever instance served them.
func etagOf(body []byte) string {
	sum := sha256.Sum256(body)
	return `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
}

// noneMatch evaluates If-None-Match (RFC 9110, 13.1.2) for a representation with tag etag: it
// reports whether the condition is false, so that a GET answers 304. "*" matches any current
// representation; otherwise the header is a list of entity tags (separated by commas, leniently
// by blanks too) compared weakly (W/"x" matches "x"). A malformed list matches nothing from the
// point where it breaks.
func noneMatch(header, etag string) bool {
	h := strings.Trim(header, " \t")
	if h == "*" {
		return true
	}
	want := strings.TrimPrefix(etag, "W/")
	for {
		h = strings.TrimLeft(h, " \t,")
		if h == "" {
			return false
		}
		h = strings.TrimPrefix(h, "W/")
		if h == "" || h[0] != '"' {
			return false
		}
		end := strings.IndexByte(h[1:], '"')
		if end < 0 {
			return false
		}
		tag := h[:end+2]
		h = h[end+2:]
		if h != "" && h[0] != ',' && h[0] != ' ' && h[0] != '\t' {
			return false
		}
		if tag == want {
			return true
		}
	}
}
