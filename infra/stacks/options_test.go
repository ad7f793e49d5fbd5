package stacks_test

import (
	"testing"

	"github.com/trainstatus/trainstatus/infra/stacks"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// TestDeploymentOptions: reserved concurrency is off unless the deployment turns it on, and then
// each function gets the reservation package deploy defines (status-query's); the user pool
// sends its mail with Cognito's own sender unless a From address is given, and then through SES
// from that verified identity (its address or its domain, in the stack's region or the one
// given).
func TestDeploymentOptions(t *testing.T) {
	sesIdentity := func(region, identity string) string {
		return "arn:${AWS::Partition}:ses:" + region + ":${AWS::AccountId}:identity/" + identity
	}
	cases := []struct {
		name     string
		ctx      map[string]any // nil: the dev deployment of the other tests
		reserved bool
		email    any // the pool's EmailConfiguration; nil for none
	}{
		{"defaults: no reservation, Cognito's sender", nil, false, nil},
		{"reservations on, SES from an address", map[string]any{
			stacks.CtxReservedConcurrency: "true",
			stacks.CtxCognitoEmailFrom:    "signup@example.com",
		}, true, map[string]any{
			"EmailSendingAccount": "DEVELOPER",
			"From":                "signup@example.com",
			"SourceArn":           sesIdentity("${AWS::Region}", "signup@example.com"),
		}},
		{"reservations off, SES from a domain identity in another region", map[string]any{
			stacks.CtxReservedConcurrency:  false,
			stacks.CtxCognitoEmailFrom:     "Trainstatus <signup@mail.example.org>",
			stacks.CtxCognitoEmailIdentity: "mail.example.org",
			stacks.CtxCognitoSESRegion:     "us-east-1",
		}, false, map[string]any{
			"EmailSendingAccount": "DEVELOPER",
			"From":                "Trainstatus <signup@mail.example.org>",
			"SourceArn":           sesIdentity("us-east-1", "mail.example.org"),
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var s *synthesized
			if tc.ctx == nil {
				s = dev(t)
			} else {
				ctx := map[string]any{stacks.CtxNotificationSender: sender}
				for k, v := range tc.ctx {
					ctx[k] = v
				}
				s = synth(t, ctx)
			}
			for _, f := range deploy.Functions {
				_, p := s.function(t, "dev", f.Name)
				var want any
				if tc.reserved && f.ReservedConcurrency > 0 {
					want = f.ReservedConcurrency
				}
				same(t, f.Name+" reserved concurrency", p["ReservedConcurrentExecutions"], want)
			}
			if tc.reserved {
				_, q := s.function(t, "dev", deploy.StatusQuery)
				same(t, "status-query's reservation", q["ReservedConcurrentExecutions"], deploy.StatusQueryFunction.ReservedConcurrency)
			}
			_, pool := s.only(t, "stateful", "AWS::Cognito::UserPool", "UserPoolName", name("dev", "users"))
			same(t, "pool email", s.props(t, pool)["EmailConfiguration"], tc.email)
		})
	}
}
