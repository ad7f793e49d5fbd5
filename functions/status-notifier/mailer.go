package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/awserr"
)

// Mailer sends one email. SES is the one in production; tests wrap it to inject faults.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

// ErrRefused: the mail service refused this message for good (a rejected or malformed address).
// Sending it again cannot succeed.
var ErrRefused = errors.New("status-notifier: the mail service refused the message")

// SES sends through the SES v2 API from a verified identity.
type SES struct {
	Client interface {
		SendEmail(ctx context.Context, in *sesv2.SendEmailInput, opts ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
	}
	From string
}

// Send sends e as one message with a plain-text and an HTML part. A refusal that no retry can fix
// wraps ErrRefused; anything else (throttling, 5xx, a timeout, a sender identity or account that
// is not ready) is returned as it is, for a retry.
func (s SES) Send(ctx context.Context, e Email) error {
	utf8 := aws.String("UTF-8")
	_, err := s.Client.SendEmail(ctx, &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(s.From),
		Destination:      &types.Destination{ToAddresses: []string{e.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(e.Subject), Charset: utf8},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(e.Text), Charset: utf8},
				Html: &types.Content{Data: aws.String(e.HTML), Charset: utf8},
			},
		}},
	})
	if err != nil && refused(err) {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return err
}

// operatorFaults are refusals that are about our sending setup, not the recipient: they need a
// person (verify the identity, lift the pause), so they are retried and then land in the failure
// queue rather than being dropped.
var operatorFaults = map[string]bool{
	"MailFromDomainNotVerifiedException": true,
	"AccountSuspendedException":          true,
	"SendingPausedException":             true,
	"NotFoundException":                  true,
}

// refused reports whether SES refused the message itself (MessageRejected, BadRequest: a bad or
// suppressed address), which no retry fixes. A broken deployment (no permission, bad credentials:
// awserr.Misconfiguration) or sending setup (operatorFaults) is not the message's fault: it is
// retried, logged as an error, and ends in the failure queue rather than being dropped.
func refused(err error) bool {
	if awserr.Transient(err) != aws.FalseTernary || awserr.Misconfiguration(err) {
		return false
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) && operatorFaults[apiErr.ErrorCode()] {
		return false
	}
	return true
}
