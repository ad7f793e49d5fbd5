package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/pkg/awserr"
	"github.com/trainstatus/trainstatus/pkg/awsjson"
)

// Mailer sends one email. SES is the one in production; tests wrap it to inject faults.
type Mailer interface {
	Send(ctx context.Context, e Email) error
}

// ErrRefused: the mail service refused this message for good (a rejected or malformed address).
// Sending it again cannot succeed.
var ErrRefused = errors.New("status-notifier: the mail service refused the message")

// SES sends through the SES v2 API (SendEmail) from a verified identity. It calls SendEmail
// through pkg/awsjson rather than the generated service/sesv2 client, whose package
// initialisation alone would put the function's cold start above its goal (pkg/awsjson says
// why); the request is the one that client sends (TestSendEmailIsTheSDKRequest).
type SES struct {
	Client *awsjson.Client // of awsjson.SESv2
	From   string
}

// NewSES returns an SES mailer with cfg's region, credentials, retries and SES endpoint.
func NewSES(cfg aws.Config, from string) (SES, error) {
	c, err := awsjson.New(cfg, awsjson.SESv2)
	if err != nil {
		return SES{}, err
	}
	return SES{Client: c, From: from}, nil
}

// sendEmail is SES v2's SendEmail operation.
var sendEmail = awsjson.Operation{Name: "SendEmail", Path: "/v2/email/outbound-emails"}

// sendEmailInput is SendEmail's request (the part of it used): one simple message.
type sendEmailInput struct {
	FromEmailAddress string       `json:"FromEmailAddress"`
	Destination      destination  `json:"Destination"`
	Content          emailContent `json:"Content"`
}

type destination struct {
	ToAddresses []string `json:"ToAddresses"`
}

type emailContent struct {
	Simple simpleMessage `json:"Simple"`
}

type simpleMessage struct {
	Subject content     `json:"Subject"`
	Body    messageBody `json:"Body"`
}

type messageBody struct {
	Text content `json:"Text"`
	HTML content `json:"Html"`
}

type content struct {
	Data    string `json:"Data"`
	Charset string `json:"Charset"`
}

// Send sends e as one message with a plain-text and an HTML part. A refusal that no retry can fix
// wraps ErrRefused; anything else (throttling, 5xx, a timeout, a sender identity or account that
// is not ready) is returned as it is, for a retry.
func (s SES) Send(ctx context.Context, e Email) error {
	err := s.Client.Call(ctx, sendEmail, sesRequest(s.From, e), nil)
	if err != nil && refused(err) {
		return fmt.Errorf("%w: %w", ErrRefused, err)
	}
	return err
}

// sesRequest is the SendEmail request that sends e from from, every part in UTF-8.
func sesRequest(from string, e Email) sendEmailInput {
	const utf8 = "UTF-8"
	return sendEmailInput{
		FromEmailAddress: from,
		Destination:      destination{ToAddresses: []string{e.To}},
		Content: emailContent{Simple: simpleMessage{
			Subject: content{Data: e.Subject, Charset: utf8},
			Body: messageBody{
				Text: content{Data: e.Text, Charset: utf8},
				HTML: content{Data: e.HTML, Charset: utf8},
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
