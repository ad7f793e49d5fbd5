package trainevent

import (
	"crypto/rand"
	"encoding/hex"
	"strings"
	"time"
)

// MaxSlugLen bounds the name's part of a generated request id: with the 23 characters after it,
// the id stays well inside MaxRequestIDLen and readable in a list.
const MaxSlugLen = 40

// NewRequestID is a reporter's own request id for a run named name:
// <Slug(name)>-<YYYYMMDD-HHMMSS, UTC>-<6 random hex>, so that a rerun of the same command is a new
// job (a finished job refuses newer events) and the id still says which run it is. The CLI's
// `run` and the Python reporter (clients/python, checked against this one by its tests) make ids
// by this rule, documented in events/README.md.
func NewRequestID(name string, now time.Time) string {
	var b [3]byte
	rand.Read(b[:]) // never fails (crypto/rand)
	return Slug(name) + "-" + now.UTC().Format("20060102-150405") + "-" + hex.EncodeToString(b[:])
}

// Slug is name as request-id characters: ASCII letters in lower case, digits, "." and "_" kept;
// every run of other characters (spaces, punctuation, any non-ASCII character) one "-"; cut to
// MaxSlugLen; no "-" or "." at either end; "job" when nothing is left.
func Slug(name string) string {
	var b strings.Builder
	sep := false
	for i := 0; i < len(name) && b.Len() < MaxSlugLen; i++ { // bytes: a non-ASCII byte is a separator
		c := name[i]
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '.', c == '_':
		default:
			sep = true
			continue
		}
		if sep && b.Len() > 0 {
			b.WriteByte('-')
		}
		sep = false
		b.WriteByte(c)
	}
	s := strings.Trim(b.String()[:min(b.Len(), MaxSlugLen)], "-.")
	if s == "" {
		return "job"
	}
	return s
}
