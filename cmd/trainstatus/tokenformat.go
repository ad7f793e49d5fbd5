package main

import (
	"fmt"
	"strings"

	"github.com/trainstatus/trainstatus/pkg/token"
)

// reportingTokenPrefix starts every reporting token.
const reportingTokenPrefix = token.Prefix

// checkReportingToken refuses a value that has not the form of a reporting token (pkg/token's
// rule), saying what it looks like instead, so that a token pasted with a missing character, or
// an ID token in its place, is refused before anything is sent. It never quotes the value.
func checkReportingToken(s string) error {
	if strings.Count(s, ".") == 2 && strings.HasPrefix(s, "eyJ") {
		return fmt.Errorf("the reporting token is a JWT (an ID token?): a reporting token starts with %q; create one with `%s token create NAME`", reportingTokenPrefix, programName)
	}
	if _, err := token.Parse(s); err != nil {
		return fmt.Errorf("the reporting token is not one: want %q and 32 characters of a-z and 2-7 (%d in all), got %d characters", reportingTokenPrefix, token.SecretLen, len(s))
	}
	return nil
}

// idToken is the ID token of watch and token: the flag's value, else $TRAINSTATUS_ID_TOKEN. A
// reporting token in its place is refused, and the retired variable is named when it alone is set.
func idToken(e *env, flagValue string) (string, error) {
	tok := flagValue
	if tok == "" {
		tok = e.getenv(EnvIDToken)
	}
	switch {
	case tok == "" && e.getenv(envRetiredToken) != "":
		return "", usagef("$%s is no longer read: set $%s to the Cognito ID token (or $%s to a reporting token for send and run)",
			envRetiredToken, EnvIDToken, EnvReportingToken)
	case tok == "":
		return "", usagef("--id-token or $%s is required: the Cognito ID token of the signed-in user", EnvIDToken)
	case strings.HasPrefix(tok, reportingTokenPrefix):
		return "", usagef("that is a reporting token (%s...): this command needs the signed-in user's Cognito ID token ($%s)", reportingTokenPrefix, EnvIDToken)
	}
	return tok, nil
}
