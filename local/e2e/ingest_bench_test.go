package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// BenchmarkIngest measures POST /v1/events through the local stack's HTTP API (the ingest
// function under the Lambda emulator, DynamoDB Local, fauxqs), one request at a time: a request
// of one event and one of 100, against a direct SendMessage of one event to the same fauxqs in
// the same run (what a platform sender with IAM credentials pays). p50-ms and p99-ms are per
// request; an op is a whole run of requests.
func BenchmarkIngest(b *testing.B) {
	env := benchStacks(b, 0)[0]
	api := env.state.HTTPEndpoint
	a, err := do("POST", api, "/me/tokens", env.user.Token, `{"name":"bench"}`, map[string]string{"Content-Type": "application/json"})
	var created statusapi.CreatedToken
	if err != nil || a.status != 201 || json.Unmarshal([]byte(a.body), &created) != nil {
		b.Fatalf("creating a token: %v %d %s", err, a.status, a.body)
	}
	eventBody := func(id string, i int) string {
		return fmt.Sprintf(`{"request_id":%q,"status":"IN_PROGRESS","event_time":%q,"seq":%d,"progress":%d}`,
			id, job.FormatTime(time.Now().Add(-time.Minute)), i, i%100)
	}
	post := func(body string, events int) time.Duration {
		start := time.Now()
		a, err := do("POST", api, deploy.IngestRoute.Path, created.Secret, body, map[string]string{"Content-Type": "application/json"})
		took := time.Since(start)
		var out statusapi.IngestResponse
		if err != nil || a.status != 200 || json.Unmarshal([]byte(a.body), &out) != nil || out.Accepted != events {
			b.Fatalf("POST /v1/events: %v %d %s", err, a.status, a.body)
		}
		return took
	}
	b.Run("one-event", func(b *testing.B) {
		var samples []time.Duration
		for range b.N {
			id := uniqueName("bench-one")
			for i := range 200 {
				samples = append(samples, post(eventBody(id, i), 1))
			}
		}
		percentiles(b, "", samples)
	})
	b.Run("batch-100", func(b *testing.B) {
		var samples []time.Duration
		for range b.N {
			id := uniqueName("bench-batch")
			for r := range 40 {
				evs := make([]string, 100)
				for i := range evs {
					evs[i] = eventBody(id, r*100+i)
				}
				samples = append(samples, post(`{"events":[`+strings.Join(evs, ",")+`]}`, 100))
			}
		}
		percentiles(b, "", samples)
	})
	b.Run("direct-SendMessage", func(b *testing.B) {
		send := producer.New(fauxqs.NewClient(env.state.SQSEndpoint), env.state.QueueURL)
		var samples []time.Duration
		for range b.N {
			id := uniqueName("bench-direct")
			for i := range 200 {
				ev := trainevent.Event{RequestID: id, UserID: env.user.Sub, Status: job.InProgress, EventTime: time.Now().Add(-time.Minute), Seq: uint64(i)}
				start := time.Now()
				if _, err := send.Send(context.Background(), ev); err != nil {
					b.Fatal(err)
				}
				samples = append(samples, time.Since(start))
			}
		}
		percentiles(b, "", samples)
	})
	drained(b, env)
}

// drained waits until the stack has applied every event the benchmark sent and its stream source
// has read every record they made, so that the next benchmark on this stack (the notifier's
// records per job) counts only its own.
func drained(b *testing.B, env *benchEnv) {
	q := fauxqs.NewClient(env.state.SQSEndpoint)
	eventually(b, 5*time.Minute, "the events queue drained", func() (bool, string) {
		visible, hidden := queueDepth(b, q, env.state.QueueURL)
		return visible+hidden == 0, fmt.Sprintf("%d visible, %d in flight", visible, hidden)
	})
	caughtUp(b, env.state, env.stack.StreamStats)
}
