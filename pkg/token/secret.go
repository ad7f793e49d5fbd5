package token

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Prefix starts every secret.
const Prefix = "tsk_"

// Sizes of a secret.
const (
	// RandomBytes is how much randomness a secret holds (160 bits).
	RandomBytes = 20
	// SecretLen is the length of a secret: the prefix and 32 base32 characters.
	SecretLen = len(Prefix) + 32
	// DisplayPrefixLen is how much of a secret a list shows.
	DisplayPrefixLen = 8
	// IDLen is the length of a token id: hex characters of the hash.
	IDLen = 16
)

// encoding is lower-case base32 without padding: 20 bytes are exactly 32 characters.
var encoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// ErrMalformed: a string is not a well-formed secret (it cannot be any token's).
var ErrMalformed = errors.New("token: not a reporting token")

// Secret is a reporting token's secret. Its String shows only the display prefix.
type Secret string

// New makes a secret from 20 bytes of r (crypto/rand.Reader in production; a test may give a
// fixed reader).
func New(r io.Reader) (Secret, error) {
	b := make([]byte, RandomBytes)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("token: reading randomness: %w", err)
	}
	return Secret(Prefix + encoding.EncodeToString(b)), nil
}

// Generate makes a secret from crypto/rand.
func Generate() (Secret, error) { return New(rand.Reader) }

// Parse checks that s has the form of a secret: the prefix and 32 characters of the alphabet.
// A well-formed string may still be no token's; only the store knows.
func Parse(s string) (Secret, error) {
	if len(s) != SecretLen || !strings.HasPrefix(s, Prefix) {
		return "", ErrMalformed
	}
	if _, err := encoding.DecodeString(s[len(Prefix):]); err != nil {
		return "", ErrMalformed
	}
	return Secret(s), nil
}

// Reveal returns the secret itself: for the one answer that shows it to its creator, and for the
// Authorization header of a client.
func (s Secret) Reveal() string { return string(s) }

// Hash is what is stored of a secret: hex SHA-256.
func (s Secret) Hash() string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// ID is the token's public id, the first IDLen characters of its hash.
func (s Secret) ID() string { return IDOf(s.Hash()) }

// DisplayPrefix is the part of the secret a list shows: "tsk_" and 4 more characters.
func (s Secret) DisplayPrefix() string {
	if len(s) < DisplayPrefixLen {
		return string(s)
	}
	return string(s[:DisplayPrefixLen])
}

// String shows only the display prefix, so that a secret printed by mistake is not leaked.
func (s Secret) String() string { return s.DisplayPrefix() + "…" }

// GoString is String, for %#v.
func (s Secret) GoString() string { return s.String() }

// IDOf is the id of the token whose hash is hash.
func IDOf(hash string) string {
	if len(hash) < IDLen {
		return hash
	}
	return hash[:IDLen]
}

// ValidID reports whether id has the form of a token id: IDLen lower-case hex characters.
func ValidID(id string) bool {
	if len(id) != IDLen {
		return false
	}
	for i := range len(id) {
		if c := id[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// SameHash compares two hashes in constant time.
func SameHash(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }
