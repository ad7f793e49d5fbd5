package main

import (
	"fmt"
	"strings"
)

// The reporting token's form (BRIEF "Reporting tokens"): "tsk_" and 32 characters of lower-case
// base32 without padding (20 random bytes). The CLI checks only the form, so that a token pasted
// with a missing character, or an ID token in its place, is refused before anything is sent.
const (
	reportingTokenPrefix = "tsk_"
	reportingTokenLen    = len(reportingTokenPrefix) + 32
)

// checkReportingToken refuses a value that is not a reporting token, saying what it looks like
// instead; it never quotes the value (a secret).
func checkReportingToken(s string) error {
	switch {
	case strings.Count(s, ".") == 2 && strings.HasPrefix(s, "eyJ"):
		return fmt.Errorf("the reporting token is a JWT (an ID token?): a reporting token starts with %q; create one with `%s token create NAME`", reportingTokenPrefix, programName)
	case !strings.HasPrefix(s, reportingTokenPrefix) || len(s) != reportingTokenLen:
		return fmt.Errorf("the reporting token is not one: want %q and 32 characters (%d in all), got %d characters", reportingTokenPrefix, reportingTokenLen, len(s))
	}
	for _, c := range s[len(reportingTokenPrefix):] {
		if !(c >= 'a' && c <= 'z' || c >= '2' && c <= '7') {
			return fmt.Errorf("the reporting token is not one: after %q only a-z and 2-7 may follow", reportingTokenPrefix)
		}
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
