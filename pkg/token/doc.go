// Package token is the reporting token: the secret a user's training code sends to the ingest
// endpoint (POST /v1/events) so that its events are filed as that user's. It is the domain of
// issue 19, with no AWS import: how a secret is made and recognised, what is stored of it (its
// SHA-256, never the secret), its public id and display prefix, and the rules on a token's name
// and on how many a user may hold. Storage is pkg/tokenstore's, over pkg/tables.
//
// A secret is "tsk_" followed by 32 characters of lower-case base32 (RFC 4648 alphabet, no
// padding) encoding 20 bytes from crypto/rand: 160 bits, beyond guessing, with a prefix that
// secret scanners and people recognise. Only Hash(secret), hex SHA-256, is stored; the token's id
// (used in URLs, public) is the first 16 hex characters of that hash, and its display prefix (shown
// in lists, to recognise a token) is the secret's first 8 characters ("tsk_" and 4 more: 20 bits,
// nothing an attacker can use).
//
// Constant time. A lookup reads the stored item by the id, then compares the full stored hash with
// the presented secret's hash with crypto/subtle ([SameHash]). Both sides of that comparison are
// hashes, so a timing difference could at most tell an attacker about the hash of a secret they
// chose, which does not help them find another; it is constant-time anyway, as cheap insurance.
// The id is a 64-bit prefix of the hash: two tokens with the same id (a chance of 2^-64 per pair)
// would be refused at creation by the store's "new key" condition, never confused.
//
// A Secret's String and GoString print only its display prefix, so a secret that reaches a log
// line or an error message by mistake is not leaked; Reveal gives the secret itself, once, to the
// user who created it.
package token
