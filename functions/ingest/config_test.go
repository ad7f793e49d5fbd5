package main

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

func TestReadConfig(t *testing.T) {
	valid := map[string]string{deploy.TokensTableVar.Name: "tokens", deploy.RateLimitTableVar.Name: "rate", deploy.EventsQueueVar.Name: queueURL}
	cases := []struct {
		name    string
		changes map[string]string
		wantErr string // the variable named, "" for success
		ttl     time.Duration
	}{
		{"defaults", nil, "", 30 * time.Second},
		{"short TTL", map[string]string{"TOKEN_CACHE_TTL": "2s"}, "", 2 * time.Second},
		{"no cache", map[string]string{"TOKEN_CACHE_TTL": "0s"}, "", 0},
		{"no tokens table", map[string]string{"TOKENS_TABLE_NAME": ""}, "TOKENS_TABLE_NAME", 0},
		{"no rate table", map[string]string{"RATE_LIMIT_TABLE_NAME": ""}, "RATE_LIMIT_TABLE_NAME", 0},
		{"no queue", map[string]string{"EVENTS_QUEUE_URL": ""}, "EVENTS_QUEUE_URL", 0},
		{"bad TTL", map[string]string{"TOKEN_CACHE_TTL": "soon"}, "TOKEN_CACHE_TTL", 0},
		{"negative TTL", map[string]string{"TOKEN_CACHE_TTL": "-1s"}, "TOKEN_CACHE_TTL", 0},
		{"limit below a batch", map[string]string{"INGEST_RATE_LIMIT": "99"}, "INGEST_RATE_LIMIT", 0},
		{"limit not a number", map[string]string{"INGEST_RATE_LIMIT": "1e3"}, "INGEST_RATE_LIMIT", 0},
		{"window of a fraction", map[string]string{"INGEST_RATE_WINDOW": "1500ms"}, "INGEST_RATE_WINDOW", 0},
		{"window too short", map[string]string{"INGEST_RATE_WINDOW": "0s"}, "INGEST_RATE_WINDOW", 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{}
			for k, v := range valid {
				env[k] = v
			}
			for k, v := range tc.changes {
				env[k] = v
			}
			c, err := readConfig(func(k string) string { return env[k] })
			if tc.wantErr == "" {
				if err != nil || c.cacheTTL != tc.ttl || c.rateLimit != 600 || c.rateWindow != time.Minute {
					t.Errorf("%+v, %v", c, err)
				}
				return
			}
			if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("err %v, want one naming %s", err, tc.wantErr)
			}
		})
	}
}
