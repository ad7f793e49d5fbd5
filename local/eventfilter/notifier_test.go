package eventfilter_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/local/eventfilter"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// TestNotifierSourceOnSamples: deploy.NotifierSource's filters pass a job's end and the stall
// sweep's record of a silence, and nothing else: not progress, not a late fill, not the notifier's
// marks, not the event that ends a silence (its old image has stall_alerted_for, its new one not).
func TestNotifierSourceOnSamples(t *testing.T) {
	c := eventfilter.MustCompile(deploy.NotifierSource.Filters...)
	cases := []struct {
		sample string
		edit   func(rec map[string]any) // changes the sample's first record; nil: as stored
		want   bool
	}{
		{"job-succeeded.json", nil, true},
		{"job-failed.json", nil, true},
		{"job-created-final.json", nil, true},
		{"stall-alerted.json", nil, true},
		{"progress.json", nil, false},
		{"late-fill.json", nil, false},
		{"notified-mark.json", nil, false},
		{"stall-alerted.json", func(rec map[string]any) { // the notifier's stall mark: both images alerted
			d := rec["dynamodb"].(map[string]any)
			d["OldImage"].(map[string]any)["stall_alerted_for"] = map[string]any{"S": "2026-11-24T09:50:00.000000Z"}
		}, false},
		{"stall-alerted.json", func(rec map[string]any) { // the job reports again: the episode ends
			d := rec["dynamodb"].(map[string]any)
			d["OldImage"].(map[string]any)["stall_alerted_for"] = map[string]any{"S": "2026-11-24T09:50:00.000000Z"}
			delete(d["NewImage"].(map[string]any), "stall_alerted_for")
		}, false},
	}
	for i, tc := range cases {
		raw, err := os.ReadFile(filepath.Join(samples.Dir(), "dynamodb", tc.sample))
		if err != nil {
			t.Fatal(err)
		}
		var ev struct{ Records []map[string]any }
		if err := json.Unmarshal(raw, &ev); err != nil {
			t.Fatal(err)
		}
		rec := ev.Records[0]
		if tc.edit != nil {
			tc.edit(rec)
		}
		b, _ := json.Marshal(rec)
		got, err := c.MatchJSON(b)
		if err != nil || got != tc.want {
			t.Errorf("case %d %s: match %v, %v; want %v", i, strings.TrimSuffix(tc.sample, ".json"), got, err, tc.want)
		}
	}
}
