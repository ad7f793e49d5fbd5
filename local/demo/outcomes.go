package demo

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"
)

// outcomes counts what status-updater did with each message of a job, read from its own log
// lines as the stack forwards them (proc "status-updater-N", attribute "record").
type outcomes struct {
	mu      sync.Mutex
	counts  map[string]map[string]int // request_id -> outcome -> messages
	changed chan struct{}             // closed (and replaced) at each count
}

func newOutcomes() *outcomes {
	return &outcomes{counts: map[string]map[string]int{}, changed: make(chan struct{})}
}

// note reads one function log record.
func (o *outcomes) note(raw json.RawMessage) {
	var rec struct {
		Msg       string `json:"msg"`
		Outcome   string `json:"outcome"`
		RequestID string `json:"request_id"`
	}
	if json.Unmarshal(raw, &rec) != nil || rec.Outcome == "" || !strings.HasPrefix(rec.Msg, "message ") {
		return
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.counts[rec.RequestID] == nil {
		o.counts[rec.RequestID] = map[string]int{}
	}
	o.counts[rec.RequestID][rec.Outcome]++
	close(o.changed)
	o.changed = make(chan struct{})
}

// of returns the counts of one job.
func (o *outcomes) of(id string) map[string]int {
	o.mu.Lock()
	defer o.mu.Unlock()
	out := map[string]int{}
	for k, v := range o.counts[id] {
		out[k] = v
	}
	return out
}

// wait returns the counts of job id once done accepts them, or when limit has passed or ctx
// ends (then whatever was counted). It wakes on each counted outcome, not on a timer.
func (o *outcomes) wait(ctx context.Context, id string, done func(map[string]int) bool, limit time.Duration) map[string]int {
	timeout := time.NewTimer(limit)
	defer timeout.Stop()
	for {
		o.mu.Lock()
		changed := o.changed
		o.mu.Unlock()
		counts := o.of(id)
		if done(counts) {
			return counts
		}
		select {
		case <-changed:
		case <-timeout.C:
			return counts
		case <-ctx.Done():
			return counts
		}
	}
}

// format writes counts as "applied 6, duplicate 1, invalid 1", in a stable order.
func format(counts map[string]int) string {
	keys := make([]string, 0, len(counts))
	for k := range counts {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, counts[k])
	}
	return strings.Join(parts, ", ")
}

// teeHandler passes every record on and shows the functions' log records to outcomes.
type teeHandler struct {
	slog.Handler
	o *outcomes
}

// withOutcomes returns a logger that logs to h and counts outcomes into o.
func withOutcomes(h slog.Handler, o *outcomes) *slog.Logger {
	return slog.New(teeHandler{h, o})
}

func (t teeHandler) Handle(ctx context.Context, r slog.Record) error {
	r.Attrs(func(a slog.Attr) bool {
		if a.Key == "record" {
			if raw, ok := a.Value.Any().(json.RawMessage); ok {
				t.o.note(raw)
			}
			return false
		}
		return true
	})
	return t.Handler.Handle(ctx, r)
}

func (t teeHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return teeHandler{t.Handler.WithAttrs(as), t.o}
}

func (t teeHandler) WithGroup(name string) slog.Handler {
	return teeHandler{t.Handler.WithGroup(name), t.o}
}
