package awsconfig

import (
	"context"
	"testing"
	"time"
)

func TestWorst(t *testing.T) {
	cases := []struct {
		l    Limits
		want time.Duration
	}{
		{Limits{AttemptTimeout: 800 * time.Millisecond, MaxAttempts: 3, MaxBackoff: 200 * time.Millisecond}, 2800 * time.Millisecond},
		{Limits{AttemptTimeout: time.Second, MaxAttempts: 1, MaxBackoff: time.Second}, time.Second},
	}
	for _, tc := range cases {
		if got := tc.l.Worst(); got != tc.want {
			t.Errorf("%+v: Worst = %v, want %v", tc.l, got, tc.want)
		}
	}
}

func TestLoadHonoursEndpointSettingsAndLimits(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_ENDPOINT_URL_DYNAMODB", "http://127.0.0.1:8000")
	cfg, err := Load(context.Background(), Limits{AttemptTimeout: time.Second, MaxAttempts: 2, MaxBackoff: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" || cfg.Retryer().MaxAttempts() != 2 {
		t.Errorf("region %q, attempts %d", cfg.Region, cfg.Retryer().MaxAttempts())
	}
}
