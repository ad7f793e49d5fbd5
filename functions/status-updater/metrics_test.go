package main

import (
	"encoding/json"
	"testing"
)

// TestMetricsLineCountsOutcomes: one EMF line per invocation, with a count for every outcome
// (zeros included), named by the outcomes themselves.
func TestMetricsLineCountsOutcomes(t *testing.T) {
	cases := []struct {
		file string
		want map[Outcome]int
	}{
		{"duplicates.json", map[Outcome]int{Applied: 3, Duplicate: 2, Stale: 1}},
		{"poison.json", map[Outcome]int{Invalid: 10}},
		{"untimely.json", map[Outcome]int{Future: 1, Expired: 2}},
	}
	for _, tc := range cases {
		t.Run(tc.file, func(t *testing.T) {
			f := newFixture(t)
			ev := loadEvent(t, tc.file)
			f.handle(ev)
			var line map[string]any
			if err := json.Unmarshal(f.metrics.Bytes(), &line); err != nil {
				t.Fatalf("EMF line %q: %v", f.metrics, err)
			}
			var meta struct {
				CloudWatchMetrics []struct {
					Namespace string
					Metrics   []struct{ Name, Unit string }
				}
			}
			raw, _ := json.Marshal(line["_aws"])
			if err := json.Unmarshal(raw, &meta); err != nil || len(meta.CloudWatchMetrics) != 1 || meta.CloudWatchMetrics[0].Namespace != "trainstatus" {
				t.Fatalf("_aws = %s (%v)", raw, err)
			}
			declared := map[string]string{}
			for _, m := range meta.CloudWatchMetrics[0].Metrics {
				declared[m.Name] = m.Unit
			}
			for _, o := range outcomes {
				if got := line[string(o.Outcome)]; got != float64(tc.want[o.Outcome]) || declared[string(o.Outcome)] != "Count" {
					t.Errorf("%s = %v (declared %q), want %d Count", o.Outcome, got, declared[string(o.Outcome)], tc.want[o.Outcome])
				}
			}
			if line["Messages"] != float64(len(ev.Records)) || len(declared) != len(outcomes)+2 {
				t.Errorf("Messages = %v, %d metrics declared; want %d and %d", line["Messages"], len(declared), len(ev.Records), len(outcomes)+2)
			}
		})
	}
}
