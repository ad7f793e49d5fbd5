// Package tokenstore keeps the reporting tokens (pkg/token) in DynamoDB (pkg/tables): create,
// list, revoke, look up by secret, and note when a token was last used. status-query manages a
// user's tokens through it; the ingest function looks tokens up through it.
//
// Storage. A token is one item of the tokens table keyed by its public id (the first 16 hex
// characters of the secret's SHA-256), holding the full hash, the owner, the name, the display
// prefix and the times; never the secret. Looking a secret up is one GetItem on its id, then a
// constant-time comparison of the stored hash with the secret's (token's package doc). A user's
// tokens are listed with one Query on the by_owner index. The user record counts the user's tokens
// (token_count): creating a token is one transaction of "add 1 to the count if it is below
// token.MaxPerUser" and "put the token if its id is new", revoking one is "delete the token if it
// is the caller's" and "subtract 1", so the limit holds under any concurrency, with no read
// before the write.
//
// Last used. Touch writes last_used_at only when it is absent or more than TouchInterval old (a
// conditional UpdateItem), and the ingest function calls it only when the item it holds says so:
// a token used all day costs about one write an hour per function instance, never one per request.
package tokenstore
