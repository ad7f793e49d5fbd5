package demo

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// observe reads the job through the API every interval while it runs, as the page does (with
// If-None-Match, so an unchanged job costs a 304), and returns each different body it saw, in
// order, until the job is final or ctx ends. The report shows the ETA the API gave meanwhile.
func observe(ctx context.Context, api, token, id string, interval time.Duration) []statusapi.Job {
	var seen []statusapi.Job
	etag := ""
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		if a, err := get(ctx, api, jobPath(id), token, etag); err == nil && a.code == http.StatusOK {
			var j statusapi.Job
			if json.Unmarshal(a.body, &j) == nil {
				etag = a.etag
				seen = append(seen, j)
				if j.Status.Final() {
					return seen
				}
			}
		}
		select {
		case <-ctx.Done():
			return seen
		case <-tick.C:
		}
	}
}

// firstETA returns the first body of seen that has an ETA.
func firstETA(seen []statusapi.Job) (statusapi.Job, bool) {
	for _, j := range seen {
		if j.ETA != "" {
			return j, true
		}
	}
	return statusapi.Job{}, false
}
