package users

import (
	"strings"

	"github.com/trainstatus/trainstatus/pkg/tables"
)

// The Cognito user attributes a Profile is read from.
const (
	AttrSub           = "sub"
	AttrEmail         = "email"
	AttrEmailVerified = "email_verified"
)

// Profile is what the user table keeps of a Cognito user's attributes.
type Profile struct {
	// Sub is the user's id: the record's key ("" when the attributes have none).
	Sub string
	// Email is lower-cased: the by_email index is looked up in lower case. "" when there is none.
	Email string
	// EmailVerified is Cognito's email_verified for Email; never true without an Email.
	EmailVerified bool
}

// FromAttributes reads a profile from a user's Cognito attributes, as the triggers'
// userAttributes and ListUsers' Attributes give them (name to value; email_verified is the
// string "true" or "false").
func FromAttributes(attrs map[string]string) Profile {
	email := strings.ToLower(attrs[AttrEmail])
	return Profile{Sub: attrs[AttrSub], Email: email, EmailVerified: email != "" && attrs[AttrEmailVerified] == "true"}
}

// Matches reports whether a stored record already says what p says (the record's other fields,
// its first timestamp and the user's preferences, are not p's to change).
func (p Profile) Matches(it tables.UserItem) bool {
	return it.Email == p.Email && it.EmailVerified == p.EmailVerified
}
