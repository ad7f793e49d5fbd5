package demo

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
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
		{"in order", map[string]int{"applied": 6, "duplicate": 1, "stale": 1, "invalid": 1}, ""},
		{"duplicate seen as stale", map[string]int{"applied": 6, "stale": 2, "invalid": 1}, ""},
		{"late event filled a stage time", map[string]int{"applied": 5, "filled": 1, "duplicate": 2, "invalid": 1}, ""},
		{"retries are not outcomes", map[string]int{"applied": 6, "duplicate": 1, "stale": 1, "invalid": 1, "retry": 3}, ""},
		{"poison applied", map[string]int{"applied": 7, "duplicate": 1, "stale": 1}, "0 invalid, want 1"},
		{"late event applied", map[string]int{"applied": 7, "duplicate": 1, "invalid": 1}, "1 duplicate or stale, want at least 2"},
		{"messages missing", map[string]int{"applied": 3, "duplicate": 1, "stale": 1, "invalid": 1}, "6 messages handled, want 9"},
		{"refused", map[string]int{"applied": 5, "refused": 1, "duplicate": 1, "stale": 1, "invalid": 1}, "1 refused transitions"},
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
