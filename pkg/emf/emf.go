// Package emf writes CloudWatch Embedded Metric Format lines: one JSON line per invocation that
// CloudWatch Logs turns into metrics, with no agent, no API call and no dependency. Every function
// that counts outcomes writes through it.
package emf

import (
	"encoding/json"
	"io"
	"os"
	"sync"
	"time"
)

// Units of the metrics written here.
const (
	Count        = "Count"
	Milliseconds = "Milliseconds"
)

// Metric is one value of a line.
type Metric struct {
	Name  string
	Value int64
	Unit  string
}

// Writer writes EMF lines to out (stdout in Lambda) under a namespace, with the function's name
// as the one dimension. It is safe for concurrent use.
type Writer struct {
	mu        sync.Mutex
	out       io.Writer
	namespace string
	function  string
	now       func() time.Time
}

// New returns a Writer.
func New(out io.Writer, namespace, function string) *Writer {
	return &Writer{out: out, namespace: namespace, function: function, now: time.Now}
}

type metricDef struct {
	Name string `json:"Name"`
	Unit string `json:"Unit"`
}

type directive struct {
	Namespace  string      `json:"Namespace"`
	Dimensions [][]string  `json:"Dimensions"`
	Metrics    []metricDef `json:"Metrics"`
}

type meta struct {
	Timestamp         int64       `json:"Timestamp"`
	CloudWatchMetrics []directive `json:"CloudWatchMetrics"`
}

// Write emits one line holding every metric given. Callers pass every metric they ever report,
// zeros included, so that alarms and dashboards see a continuous series. A nil Writer writes
// nothing.
func (w *Writer) Write(metrics ...Metric) {
	if w == nil {
		return
	}
	doc := map[string]any{"FunctionName": w.function}
	defs := make([]metricDef, 0, len(metrics))
	for _, m := range metrics {
		doc[m.Name] = m.Value
		defs = append(defs, metricDef{Name: m.Name, Unit: m.Unit})
	}
	doc["_aws"] = meta{
		Timestamp: w.now().UnixMilli(),
		CloudWatchMetrics: []directive{{
			Namespace: w.namespace, Dimensions: [][]string{{"FunctionName"}}, Metrics: defs,
		}},
	}
	line, err := json.Marshal(doc) // maps of strings and numbers: cannot fail
	if err != nil {
		return
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	_, _ = w.out.Write(append(line, '\n'))
}

// Namespace is the CloudWatch namespace of trainstatus' metrics.
const Namespace = "trainstatus"

// FunctionName is the deployed function's name, which Lambda gives in AWS_LAMBDA_FUNCTION_NAME
// (it carries the stage), or fallback outside Lambda: the dimension of every line.
func FunctionName(fallback string) string {
	if name := os.Getenv("AWS_LAMBDA_FUNCTION_NAME"); name != "" {
		return name
	}
	return fallback
}
