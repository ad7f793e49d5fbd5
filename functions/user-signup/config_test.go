package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestNewHandlerNeedsTheTable(t *testing.T) {
	t.Setenv(tables.EnvUserTable, "")
	_, err := newHandler(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), tables.EnvUserTable) {
		t.Errorf("error %v, want one naming %s", err, tables.EnvUserTable)
	}
}

func TestNewHandlerWiresTheTable(t *testing.T) {
	t.Setenv(tables.EnvUserTable, "users")
	t.Setenv("AWS_REGION", "us-east-1")
	h, err := newHandler(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Users.(TableStore).Table.Name(); got != "users" || h.Budget != Budget {
		t.Errorf("table %q budget %v", got, h.Budget)
	}
}
