package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func TestOutcomesFromTheStackLog(t *testing.T) {
	var file bytes.Buffer
	o := newOutcomes()
	log := withOutcomes(slog.NewJSONHandler(&file, nil), o).With("part", "lambda")
	rec := func(s string) json.RawMessage { return json.RawMessage(s) }
	// As local/proc forwards a function's JSON log line.
	log.Info("log", "proc", "status-updater-0", "record", rec(`{"msg":"message applied","outcome":"applied","request_id":"job-1"}`))
	log.Info("log", "proc", "status-updater-1", "record", rec(`{"msg":"message applied","outcome":"applied","request_id":"job-1"}`))
	log.Info("log", "proc", "status-updater-1", "record", rec(`{"msg":"message duplicate","outcome":"duplicate","request_id":"job-1"}`))
	log.Info("log", "proc", "status-updater-0", "record", rec(`{"msg":"message invalid","outcome":"invalid","request_id":"job-2"}`))
	log.Info("log", "proc", "status-query-0", "record", rec(`{"msg":"request served","status":200}`))
	log.Info("log", "proc", "status-updater-0", "record", rec(`not json`))
	log.Info("invoke", "outcome", "ok") // the Invoke API's own line: not a function record

	if got := format(o.of("job-1")); got != "applied 2, duplicate 1" {
		t.Errorf("job-1: %s", got)
	}
	if got := format(o.of("job-2")); got != "invalid 1" {
		t.Errorf("job-2: %s", got)
	}
	if got := format(o.of("job-3")); got != "" {
		t.Errorf("job-3: %s", got)
	}
	if n := strings.Count(file.String(), "\n"); n != 7 || !strings.Contains(file.String(), `"part":"lambda"`) {
		t.Errorf("the log file got %d lines:\n%s", n, file.String())
	}
}

func TestExpectOutcomes(t *testing.T) {
	tests := []struct {
		name    string
		counts  map[string]int
		wantErr string
	}{
		{"in order", map[string]int{"applied": 6, "duplicate": 1, "stale": 1, "expired": 1}, ""},
		{"duplicate seen as stale", map[string]int{"applied": 6, "stale": 2, "expired": 1}, ""},
		{"late event filled a stage time", map[string]int{"applied": 5, "filled": 1, "duplicate": 2, "expired": 1}, ""},
		{"retries are not outcomes", map[string]int{"applied": 6, "duplicate": 1, "stale": 1, "expired": 1, "retry": 3}, ""},
		{"poison applied", map[string]int{"applied": 7, "duplicate": 1, "stale": 1}, "0 expired, want 1"},
		{"poison invalid instead", map[string]int{"applied": 6, "duplicate": 1, "stale": 1, "invalid": 1}, "0 expired, want 1 (the poison message)\n1 invalid, want none"},
		{"late event applied", map[string]int{"applied": 7, "duplicate": 1, "expired": 1}, "1 duplicate or stale, want at least 2"},
		{"messages missing", map[string]int{"applied": 3, "duplicate": 1, "stale": 1, "expired": 1}, "6 messages handled, want 9"},
		{"refused", map[string]int{"applied": 5, "refused": 1, "duplicate": 1, "stale": 1, "expired": 1}, "1 refused transitions"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := expectOutcomes(tt.counts)
			if (err == nil) != (tt.wantErr == "") || (err != nil && !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("expectOutcomes = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

// TestOutcomesWait: wait returns as soon as the counts it waits for are logged, woken by the log
// line itself; and with what was counted when its limit passes first.
func TestOutcomesWait(t *testing.T) {
	o := newOutcomes()
	log := withOutcomes(slog.NewJSONHandler(&bytes.Buffer{}, nil), o)
	rec := json.RawMessage(`{"msg":"message applied","outcome":"applied","request_id":"job-1"}`)
	two := func(c map[string]int) bool { return c["applied"] >= 2 }

	got := make(chan map[string]int, 1)
	go func() { got <- o.wait(context.Background(), "job-1", two, time.Hour) }()
	log.Info("log", "record", rec)
	log.Info("log", "record", rec)
	if c := <-got; c["applied"] != 2 {
		t.Errorf("wait returned %v, want applied 2", c)
	}
	if c := o.wait(context.Background(), "job-1", func(c map[string]int) bool { return c["applied"] >= 3 }, time.Millisecond); c["applied"] != 2 {
		t.Errorf("wait past its limit returned %v, want applied 2", c)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if c := o.wait(ctx, "job-2", two, time.Hour); len(c) != 0 {
		t.Errorf("wait on a cancelled context returned %v, want nothing", c)
	}
}
