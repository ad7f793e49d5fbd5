// Package users is the user table's record of a Cognito user, written one way: user-signup writes
// it at each confirmation and sign-in, and the operator's backfill (internal/tools/backfill)
// writes it for users who signed up before a version that added to it and have not signed in
// since. Both read a Profile from the user's Cognito attributes and send Write, so the record
// cannot mean two things.
package users
