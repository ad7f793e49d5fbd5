package stacks_test

import (
	"testing"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// TestStallSweepSchedule: an EventBridge rule runs stall-sweep at deploy.StallSweepSchedule's
// period, without retrying a missed run (the next one makes it up), and may invoke nothing else.
func TestStallSweepSchedule(t *testing.T) {
	s := dev(t)
	_, rule := s.only(t, "stateless", "AWS::Events::Rule", "Name", name("dev", deploy.StallSweep+"-schedule"))
	p := s.props(t, rule)
	same(t, "schedule", p["ScheduleExpression"], "rate(1 minute)")
	same(t, "state", p["State"], "ENABLED")
	targets := p["Targets"].([]any)
	if len(targets) != 1 {
		t.Fatalf("targets %v, want the sweep only", targets)
	}
	target := targets[0].(map[string]any)
	same(t, "target", target["Arn"], deploy.StallSweep+".Arn")
	same(t, "retry policy", target["RetryPolicy"], map[string]any{"MaximumEventAgeInSeconds": 60, "MaximumRetryAttempts": 0})
	_, perm := s.only(t, "stateless", "AWS::Lambda::Permission", "Principal", "events.amazonaws.com")
	pp := s.props(t, perm)
	same(t, "permission", map[string]any{"FunctionName": pp["FunctionName"], "SourceArn": pp["SourceArn"], "Action": pp["Action"]},
		map[string]any{"FunctionName": deploy.StallSweep + ".Arn", "SourceArn": "StallSweepSchedule.Arn", "Action": "lambda:InvokeFunction"})
}
