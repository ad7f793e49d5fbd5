package main

import (
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

func TestNewHandlerNeedsTheTable(t *testing.T) {
	t.Setenv(deploy.UserTableVar.Name, "")
	_, err := newHandler(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err == nil || !strings.Contains(err.Error(), deploy.UserTableVar.Name) {
		t.Errorf("error %v, want one naming %s", err, deploy.UserTableVar.Name)
	}
}

func TestNewHandlerWiresTheTable(t *testing.T) {
	t.Setenv(deploy.UserTableVar.Name, "users")
	t.Setenv("AWS_REGION", "us-east-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	h, err := newHandler(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	if got := h.Users.Name(); got != "users" || h.Budget != Budget {
		t.Errorf("table %q budget %v", got, h.Budget)
	}
}
