package stacks_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/infra/stacks"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// senderARN is how the templates write a role ARN of the stack's account (labels resolved).
func senderARN(name string) string {
	return "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/" + name
}

// onlyNamedSenders is the events queue's statement that refuses SendMessage to every principal
// but the ingest role, the operators' role and the listed ones.
func onlyNamedSenders(queueLabel string, listed []string) map[string]any {
	senders := []any{senderARN("trainstatus-dev-ingest-${AWS::Region}"), senderARN("trainstatus-dev-events-operator-${AWS::Region}")}
	for _, l := range listed {
		senders = append(senders, l)
	}
	return map[string]any{
		"Sid": "OnlyNamedSenders", "Effect": "Deny", "Principal": map[string]any{"AWS": "*"}, "Action": "sqs:SendMessage",
		"Resource": queueLabel, "Condition": map[string]any{"ArnNotLike": map[string]any{"aws:PrincipalArn": senders}},
	}
}

// sendDenied evaluates the synthesized events queue policy for a SendMessage by principal (an
// ARN with the labels of the templates), as IAM would: an explicit Deny whose condition holds
// refuses it, whatever the principal's own policies allow.
func sendDenied(t *testing.T, doc map[string]any, principal string) bool {
	t.Helper()
	for _, st := range doc["Statement"].([]any) {
		m := st.(map[string]any)
		if m["Effect"] != "Deny" || !slices.Contains([]string{"sqs:SendMessage", "sqs:*"}, fmt.Sprint(m["Action"])) {
			continue
		}
		cond := m["Condition"].(map[string]any)
		notLike, ok := cond["ArnNotLike"].(map[string]any)
		if !ok {
			continue // the TLS statement: this request uses TLS
		}
		matched := false
		for _, pattern := range notLike["aws:PrincipalArn"].([]any) {
			if arnLike(fmt.Sprint(pattern), principal) {
				matched = true
			}
		}
		if !matched {
			return true
		}
	}
	return false
}

// arnLike is IAM's ArnLike for patterns without wildcards and principals written the same way.
func arnLike(pattern, arn string) bool { return pattern == arn }

// TestEventsQueueSenders: the events queue refuses SendMessage to any principal not named, with
// an empty list too; the ingest role, the operators' role and a listed trainer role may send.
func TestEventsQueueSenders(t *testing.T) {
	trainer := "arn:aws:iam::123456789012:role/platform-trainer"
	for _, tc := range []struct {
		name    string
		ctx     map[string]any
		allowed []string
		refused []string
	}{
		{"no listed roles", nil,
			[]string{senderARN("trainstatus-dev-ingest-${AWS::Region}"), senderARN("trainstatus-dev-events-operator-${AWS::Region}")},
			[]string{trainer, senderARN("trainstatus-dev-status-query"), senderARN("Admin"), "arn:aws:iam::999999999999:role/attacker"}},
		{"a trainer listed", map[string]any{stacks.CtxEventSenderRoles: trainer},
			[]string{trainer, senderARN("trainstatus-dev-ingest-${AWS::Region}"), senderARN("trainstatus-dev-events-operator-${AWS::Region}")},
			[]string{"arn:aws:iam::123456789012:role/platform-trainer-2", senderARN("Admin")}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := tc.ctx
			if ctx == nil {
				ctx = map[string]any{}
			}
			s := synth(t, ctx)
			var doc map[string]any
			for _, r := range s.resources("stateful", "AWS::SQS::QueuePolicy") {
				p := s.props(t, r)
				if fmt.Sprint(p["Queues"].([]any)[0]) == "EventsQueue.Url" {
					doc = p["PolicyDocument"].(map[string]any)
				}
			}
			if doc == nil {
				t.Fatal("no policy on the events queue")
			}
			for _, p := range tc.allowed {
				if sendDenied(t, doc, p) {
					t.Errorf("%s refused", p)
				}
			}
			for _, p := range tc.refused {
				if !sendDenied(t, doc, p) {
					t.Errorf("%s may send", p)
				}
			}
		})
	}
	if _, err := stacks.New(newApp(t, map[string]any{stacks.CtxEventSenderRoles: "arn:aws:iam::123456789012:user/bob"}), nil); err == nil || !strings.Contains(err.Error(), stacks.CtxEventSenderRoles) {
		t.Errorf("a user ARN accepted as a sender role: %v", err)
	}
}

// TestIngestRoute: POST /v1/events has no authorizer; every other route has the JWT's.
func TestIngestRoute(t *testing.T) {
	s := dev(t)
	for _, r := range s.resources("stateless", "AWS::ApiGatewayV2::Route") {
		p := s.props(t, r)
		key := fmt.Sprint(p["RouteKey"])
		auth := fmt.Sprint(p["AuthorizationType"])
		want := "JWT"
		if key == deploy.RouteIngest {
			want = "NONE"
		}
		if auth != want {
			t.Errorf("route %s: authorization %s, want %s", key, auth, want)
		}
	}
}
