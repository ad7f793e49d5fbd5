package main

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestPrintReportingToken: with a reporting token, make up prints the CLI's environment, a
// `trainstatus run` and a curl whose event ParseOwned accepts as the user's; without one, none.
func TestPrintReportingToken(t *testing.T) {
	const sub = "0f8fad5b-d9cb-469f-a165-70867728950e"
	const secret = "tsk_abcdefghijklmnopqrstuvwxyz234567"
	now := time.Date(2026, 12, 7, 9, 30, 0, 0, time.UTC)
	s := stack.State{HTTPEndpoint: "http://127.0.0.1:3000", APIURL: "http://127.0.0.1:3000", ReportingToken: secret,
		User: &cognito.User{Email: "demo@example.com", Sub: sub}}
	out := printed(t, s, now)
	for _, want := range []string{
		"  export TRAINSTATUS_API_URL=http://127.0.0.1:3000 TRAINSTATUS_REPORTING_TOKEN=" + secret + "\n",
		"  build/host/trainstatus run --name 'demo training' -- sleep 30\n",
		`"$TRAINSTATUS_API_URL/v1/events"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the printout lacks %q:\n%s", want, out)
		}
	}
	m := regexp.MustCompile(`-d '([^']*)' "\$TRAINSTATUS_API_URL/v1/events"`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no curl example in:\n%s", out)
	}
	if ev, err := trainevent.ParseOwned([]byte(m[1]), sub); err != nil || ev.UserID != sub || ev.Status != job.Started {
		t.Errorf("the curl example %s: %+v, %v", m[1], ev, err)
	}
	s.ReportingToken = ""
	if out := printed(t, s, now); strings.Contains(out, "TRAINSTATUS_REPORTING_TOKEN") {
		t.Errorf("a token line without a token:\n%s", out)
	}
}
