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

// SendEmailAPI is the part of the SES v2 client SES uses (*sesv2.Client; tests wrap it).
type SendEmailAPI interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
}

// SES sends through the SES v2 API (SendEmail) from a verified identity, with the generated
// client main wires once: its request building, retries (awsconfig.Limits) and errors.
type SES struct {
	Client SendEmailAPI
	From   string
}

// Send sends e as one message with a plain-text and an HTML part. A refusal that no retry can fix
// wraps ErrRefused; anything else (throttling, 5xx, a timeout, a sender identity or account that
// is not ready) is returned as it is, for a retry.
func (s SES) Send(ctx context.Context, e Email) error {
	_, err := s.Client.SendEmail(ctx, sesRequest(s.From, e))
	if err != nil && refused(err) {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return err
}

// sesRequest is the SendEmail request that sends e from from, every part in UTF-8.
func sesRequest(from string, e Email) *sesv2.SendEmailInput {
	utf8 := aws.String("UTF-8")
	return &sesv2.SendEmailInput{
		FromEmailAddress: aws.String(from),
		Destination:      &types.Destination{ToAddresses: []string{e.To}},
		Content: &types.EmailContent{Simple: &types.Message{
			Subject: &types.Content{Data: aws.String(e.Subject), Charset: utf8},
			Body: &types.Body{
				Text: &types.Content{Data: aws.String(e.Text), Charset: utf8},
				Html: &types.Content{Data: aws.String(e.HTML), Charset: utf8},
			},
		}},
	}
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
