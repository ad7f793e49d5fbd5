package token

import (
	"errors"
	"unicode"
	"unicode/utf8"
)

// Limits of a user's tokens.
const (
	// MaxPerUser is how many tokens a user may hold at once: one per machine or notebook they
	// report from is a handful; more is a sign of tokens never revoked.
	MaxPerUser = 20
	// MaxNameLen is the longest name, in characters.
	MaxNameLen = 64
)

// ErrInvalidName: a token's name breaks CheckName's rule.
var ErrInvalidName = errors.New("a token's name must be 1 to 64 characters of valid UTF-8, with no control character")

// CheckName checks a token's name ("lab-gpu-3"): 1 to MaxNameLen characters (runes) of valid
// UTF-8 and no control character at all (C0, DEL, C1): it is one line in a list and a terminal.
func CheckName(name string) error {
	n := utf8.RuneCountInString(name)
	if n < 1 || n > MaxNameLen || !utf8.ValidString(name) {
		return ErrInvalidName
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return ErrInvalidName
		}
	}
	return nil
}
