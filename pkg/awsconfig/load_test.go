package awsconfig

import (
	"context"
	"testing"
	"time"
)

func TestLoadHonoursEndpointSettingsAndLimits(t *testing.T) {
	useEnv(t, map[string]string{"AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL_DYNAMODB": "http://127.0.0.1:8000"})
	cfg, err := Load(context.Background(), Limits{AttemptTimeout: time.Second, MaxAttempts: 2, MaxBackoff: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Region != "eu-west-1" || cfg.Retryer().MaxAttempts() != 2 {
		t.Errorf("region %q, attempts %d", cfg.Region, cfg.Retryer().MaxAttempts())
	}
}
