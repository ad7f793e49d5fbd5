package main

import (
	"time"

	"github.com/trainstatus/trainstatus/pkg/emf"
)

// writeMetrics emits the invocation's one EMF line: the count of every outcome (zeros included,
// so that alarms and dashboards see a continuous series; the names are the outcomes themselves),
// the batch size and the duration.
func writeMetrics(w *emf.Writer, counts map[Outcome]int, batch int, took time.Duration) {
	metrics := make([]emf.Metric, 0, len(outcomes)+2)
	metrics = append(metrics, emf.Metric{Name: "Messages", Value: int64(batch), Unit: emf.Count},
		emf.Metric{Name: "DurationMs", Value: took.Milliseconds(), Unit: emf.Milliseconds})
	for _, o := range outcomes {
		metrics = append(metrics, emf.Metric{Name: string(o.Outcome), Value: int64(counts[o.Outcome]), Unit: emf.Count})
	}
	w.Write(metrics...)
}
