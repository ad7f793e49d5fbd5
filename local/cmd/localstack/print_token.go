package main

import (
	"encoding/json"
	"fmt"
	"io"
	"time"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
)

// writeReporting prints the stack user's reporting token and how to report with it: the CLI's
// environment, a `trainstatus run` and one event with curl (no AWS credentials, no user id: the
// token names the owner). Nothing without a token.
func writeReporting(w io.Writer, s stack.State, now time.Time) {
	if s.ReportingToken == "" {
		return
	}
	fmt.Fprintf(w, "report from any machine with the user's reporting token (%s %s; revoke it on the page):\n", deploy.IngestRoute.Method, deploy.IngestRoute.Path)
	fmt.Fprintf(w, "  export TRAINSTATUS_API_URL=%s TRAINSTATUS_REPORTING_TOKEN=%s\n", s.APIURL, s.ReportingToken)
	fmt.Fprintf(w, "  build/host/trainstatus run --name 'demo training' -- sleep 30\n")
	// user_id left out (Event.Marshal would write "user_id":""): the token names the owner.
	ev := map[string]string{"request_id": "job-curl-1", "status": string(job.Started), "event_time": job.FormatTime(now), "name": "sent with curl"}
	if body, err := json.Marshal(ev); err == nil {
		fmt.Fprintf(w, "  curl -s -H \"Authorization: Bearer $TRAINSTATUS_REPORTING_TOKEN\" -H 'Content-Type: application/json' -d '%s' \"$TRAINSTATUS_API_URL%s\"\n",
			body, deploy.IngestRoute.Path)
	}
}
