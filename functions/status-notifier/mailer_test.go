package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/smithy-go"

	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/awserr"
)

// mailerAsMainWiresIt is the SES mailer main makes: the configuration from the Lambda
// environment (here, with the SES endpoint at url) and the function's Limits.
func mailerAsMainWiresIt(t *testing.T, url string) SES {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	for k, v := range map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local",
		"AWS_SECRET_ACCESS_KEY": "local", "AWS_ENDPOINT_URL_SESV2": url} {
		t.Setenv(k, v)
	}
	cfg, err := awsconfig.FromEnv(Limits)
	if err != nil {
		t.Fatal(err)
	}
	return SES{Client: sesv2.NewFromConfig(cfg), From: "trainstatus@example.com"}
}

// TestSESSendsThroughTheEmulator: the generated SES v2 client, wired as main wires it, delivers
// the email to the SES emulator (subject, both parts, characters JSON escapes), retries what
// another attempt may fix (throttling, 5xx, a hung attempt) up to Limits.MaxAttempts, and gives
// a refusal of the message itself as ErrRefused after one attempt; the sending setup's faults
// (no permission, sender not verified) are not ErrRefused, so they are retried by redelivery.
func TestSESSendsThroughTheEmulator(t *testing.T) {
	throttled := &sesFault{status: 429, code: "TooManyRequestsException"}
	internal := &sesFault{status: 500, code: "InternalFailure"}
	cases := []struct {
		name      string
		faults    []*sesFault
		attempts  int64
		delivered bool
		refused   bool
		misconfig bool
		transient aws.Ternary
	}{
		{"sent", nil, 1, true, false, false, aws.FalseTernary},
		{"throttled, then sent", []*sesFault{throttled}, 2, true, false, false, aws.FalseTernary},
		{"a hung attempt is abandoned and retried", []*sesFault{{hang: true}}, 2, true, false, false, aws.FalseTernary},
		{"5xx on every attempt", []*sesFault{internal, internal, internal}, int64(Limits.MaxAttempts), false, false, false, aws.TrueTernary},
		{"throttled on every attempt", []*sesFault{throttled, throttled, throttled}, int64(Limits.MaxAttempts), false, false, false, aws.TrueTernary},
		{"address rejected for good", []*sesFault{{status: 400, code: "MessageRejected"}}, 1, false, true, false, aws.FalseTernary},
		{"no permission: the deployment's fault", []*sesFault{{status: 403, code: "AccessDeniedException"}}, 1, false, false, true, aws.FalseTernary},
		{"sender not verified: an operator's fault", []*sesFault{{status: 400, code: "MailFromDomainNotVerifiedException"}}, 1, false, false, false, aws.FalseTernary},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			proxy := newFaultySES(t)
			proxy.queue(tc.faults...)
			mailer := mailerAsMainWiresIt(t, proxy.url)
			e := Email{To: "mailer" + string(rune('a'+i)) + "@example.com", Subject: `Your job "resnet <50>" succeeded`,
				Text: "Done & dusted\nin 12 min", HTML: `<p>Done &amp; <a href="https://t.example/jobs/a?b=c&d=e">dusted</a></p>`}
			err := mailer.Send(context.Background(), e)
			if got := proxy.sends.Load(); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
			if tc.delivered != (err == nil) {
				t.Fatalf("Send: %v, want delivered %v", err, tc.delivered)
			}
			mail := mailTo(t, e.To)
			if !tc.delivered {
				var api smithy.APIError
				if !errors.As(err, &api) || api.ErrorCode() != tc.faults[len(tc.faults)-1].code {
					t.Errorf("Send: %v, want the SES error %s", err, tc.faults[len(tc.faults)-1].code)
				}
				if errors.Is(err, ErrRefused) != tc.refused || awserr.Misconfiguration(err) != tc.misconfig || awserr.Transient(err) != tc.transient {
					t.Errorf("Send: %v: refused %v, misconfiguration %v, transient %v; want %v, %v, %v", err,
						errors.Is(err, ErrRefused), awserr.Misconfiguration(err), awserr.Transient(err), tc.refused, tc.misconfig, tc.transient)
				}
				if len(mail) != 0 {
					t.Errorf("%d emails, want none", len(mail))
				}
				return
			}
			if len(mail) != 1 {
				t.Fatalf("%d emails to %s, want 1", len(mail), e.To)
			}
			got := mail[0]
			if got.From != mailer.From || got.Subject != e.Subject || got.Text != e.Text || got.HTML != e.HTML {
				t.Errorf("stored email %+v\nwant from %s: %+v", got, mailer.From, e)
			}
		})
	}
}
