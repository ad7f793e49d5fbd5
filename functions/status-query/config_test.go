package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestNewHandlerConfiguration(t *testing.T) {
	cases := []struct {
		name, table, secret string
		wantErr             string // "" for success
	}{
		{"complete", "status", testSecret, ""},
		{"no table", "", testSecret, tables.EnvStatusTable},
		{"no secret", "status", "", deploy.EnvCursorSecret},
		{"short secret", "status", strings.Repeat("s", 31), deploy.EnvCursorSecret},
		{"shortest secret", "status", strings.Repeat("s", 32), ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv(tables.EnvStatusTable, tc.table)
			t.Setenv(deploy.EnvCursorSecret, tc.secret)
			t.Setenv("AWS_REGION", "us-east-1")
			h, err := newHandler(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)))
			if tc.wantErr == "" {
				if err != nil || h.Jobs.(TableStore).Table.Name() != tc.table || h.Budget != Budget {
					t.Errorf("err %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("error %v, want one naming %s", err, tc.wantErr)
			}
			if err != nil && tc.secret != "" && strings.Contains(err.Error(), tc.secret) {
				t.Errorf("the error shows the secret: %v", err)
			}
		})
	}
}

func TestRetriesFitInBudget(t *testing.T) {
	if Limits.Worst() >= Budget {
		t.Errorf("the retries (%+v: %v) do not fit in the budget %v", Limits, Limits.Worst(), Budget)
	}
}
