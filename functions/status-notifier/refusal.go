package main

import (
	"errors"
	"strings"

	"github.com/aws/smithy-go"
)

// recipientRefused reports whether a refusal of the mail service is known to be about the
// recipient, the only refusal the notifier drops for good (issue 22's review): SES's
// MessageRejected, or a BadRequestException whose message is about the address ("Illegal
// address", "Missing final '@domain'", ...). Anything else the mailer reports as refused (a
// signing error, a redirect, an HTML 403 or 404 from a wrong endpoint, a request the service
// does not understand) is our fault or the deployment's: the record fails, is retried, lands in
// the failure queue and is alarmed, never silently dropped.
func recipientRefused(err error) bool {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		return false
	}
	switch apiErr.ErrorCode() {
	case "MessageRejected":
		return true
	case "BadRequestException":
		msg := strings.ToLower(apiErr.ErrorMessage())
		for _, about := range []string{"address", "@domain", "recipient", "mailbox"} {
			if strings.Contains(msg, about) {
				return true
			}
		}
	}
	return false
}
