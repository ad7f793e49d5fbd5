package main

import (
	"encoding/json"
	"io"
	"sync"
	"time"
)

// MetricsWriter writes per-invocation counts as one CloudWatch Embedded Metric Format line:
// CloudWatch turns it into metrics with no agent, no API call and no dependency.
type MetricsWriter struct {
	mu        sync.Mutex
	out       io.Writer
	namespace string
	function  string
}

// NewMetricsWriter writes EMF lines to out (stdout in Lambda).
func NewMetricsWriter(out io.Writer, namespace, function string) *MetricsWriter {
	return &MetricsWriter{out: out, namespace: namespace, function: function}
}

type emfMetric struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type emfDirective struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []emfMetric `json:"Metrics"`
}

type emfMeta struct {
	Timestamp         int64          `json:"Timestamp"`
	CloudWatchMetrics []emfDirective `json:"CloudWatchMetrics"`
}

// Write emits one line with the count of every outcome (zeros included, so that alarms and
// dashboards see a continuous series; the names are the outcomes themselves), the batch size and
// the duration.
func (m *MetricsWriter) Write(counts map[Outcome]int, batch int, took time.Duration) {
	if m == nil {
		return
	}
	doc := map[string]any{"FunctionName": m.function, "Messages": batch, "DurationMs": took.Milliseconds()}
	metrics := []emfMetric{{Name: "Messages", Unit: "Count"}, {Name: "DurationMs", Unit: "Milliseconds"}}
	for _, o := range outcomes {
		name := string(o.Outcome)
		doc[name] = counts[o.Outcome]
		metrics = append(metrics, emfMetric{Name: name, Unit: "Count"})
	}
	doc["_aws"] = emfMeta{
		Timestamp: time.Now().UnixMilli(),
		CloudWatchMetrics: []emfDirective{{
			Namespace: m.namespace, Dimensions: [][]string{{"FunctionName"}}, Metrics: metrics,
		}},
	}
	line, err := json.Marshal(doc)
	if err != nil {
		return
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	_, _ = m.out.Write(append(line, '\n'))
}
