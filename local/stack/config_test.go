package stack

import (
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// TestVisibilityTimeoutDefault checks the events queue takes infra's visibility timeout unless
// the caller sets one: the function timeout alone would let a retried batch be redelivered.
func TestVisibilityTimeoutDefault(t *testing.T) {
	cases := []struct {
		name string
		cfg  Config
		want time.Duration
	}{
		{"defaults", Defaults(), deploy.VisibilityTimeout(deploy.MaxBatchingWindow)},
		{"zero config", Config{}, deploy.VisibilityTimeout(0)},
		{"own window", Config{BatchingWindow: 5 * time.Second}, deploy.VisibilityTimeout(5 * time.Second)},
		{"own timeout kept", Config{VisibilityTimeout: 3 * time.Second}, 3 * time.Second},
	}
	for _, tc := range cases {
		if got := tc.cfg.fill("/root").VisibilityTimeout; got != tc.want {
			t.Errorf("%s: VisibilityTimeout %s, want %s", tc.name, got, tc.want)
		}
	}
	if d := Defaults().VisibilityTimeout; d <= deploy.StatusUpdaterFunction.Timeout {
		t.Errorf("default VisibilityTimeout %s not above the function timeout %s", d, deploy.StatusUpdaterFunction.Timeout)
	}
}
