package main

import (
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestSubjects(t *testing.T) {
	start, end := "2026-11-24T08:00:00.000000Z", "2026-11-24T08:00:40.000000Z"
	long := strings.Repeat("x", 300)
	cases := []struct {
		name string
		item tables.StatusItem
		want string
	}{
		{"success", tables.StatusItem{RequestID: "r", Status: job.Success, Timestamp: start, FinishedAt: end}, "r succeeded in 40 s"},
		{"success without times", tables.StatusItem{RequestID: "r", Status: job.Success}, "r succeeded"},
		{"failure: first line of the error", tables.StatusItem{RequestID: "r", Status: job.Failed, Error: "OOM\nTraceback ..."}, "r failed: OOM"},
		{"failure: long error cut", tables.StatusItem{RequestID: "r", Status: job.Failed, Error: long}, "r failed: " + long[:maxSubjectError-1] + "…"},
		{"failure without error", tables.StatusItem{RequestID: "r", Status: job.Failed, Timestamp: start, FinishedAt: end}, "r failed after 40 s"},
		{"HTML in the name stays text", tables.StatusItem{RequestID: "a<b>", Status: job.Failed}, "a<b> failed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := compose(tc.item, "to@example.com", "https://t.example/")
			if e.Subject != tc.want {
				t.Errorf("subject %q, want %q", e.Subject, tc.want)
			}
			if strings.Contains(e.HTML, "<b>") {
				t.Errorf("HTML part not escaped: %s", e.HTML)
			}
		})
	}
}
