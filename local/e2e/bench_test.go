package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// latencyRun is how one stack is measured: events in all, sent by that many concurrent jobs,
// each polling the API every poll until its event shows.
type latencyRun struct {
	events, workers int
	poll            time.Duration
}

// BenchmarkSendToAPI measures the latency from SendMessage to the status being readable through
// the API: each job sends an IN_PROGRESS event with a new progress value, then polls
// GET /status/{id} with If-None-Match until the answer shows it. With the deploy batching window
// (1 s) a lone event waits for the window, so concurrent jobs keep the run short; without a window
// one job polls back to back. An op is one whole run; the numbers are p50-ms and p99-ms.
func BenchmarkSendToAPI(b *testing.B) {
	runs := map[string]latencyRun{
		"window=" + deploy.MaxBatchingWindow.String(): {events: 200, workers: 10, poll: 20 * time.Millisecond},
		"window=0s": {events: 300, workers: 1, poll: time.Millisecond},
		"external":  {events: 200, workers: 10, poll: 20 * time.Millisecond},
	}
	for _, env := range benchStacks(b, deploy.MaxBatchingWindow, 0) {
		b.Run(env.name, func(b *testing.B) {
			r := runs[env.name]
			var samples []time.Duration
			for range b.N {
				samples = append(samples, sendToAPI(b, env, r)...)
			}
			percentiles(b, "", samples)
			b.ReportMetric(float64(len(samples))/float64(b.N), "events/op")
		})
	}
}

// sendToAPI runs r against env and returns one latency per event.
func sendToAPI(b *testing.B, env *benchEnv, r latencyRun) []time.Duration {
	send := producer.New(fauxqs.NewClient(env.state.SQSEndpoint), env.state.QueueURL)
	run := uniqueName("bench")
	t0 := time.Now().Add(-time.Hour)
	var mu sync.Mutex
	var samples []time.Duration
	var wg sync.WaitGroup
	for w := range r.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := fmt.Sprintf("%s-%d", run, w)
			etag := ""
			for i := 1; i <= r.events/r.workers; i++ {
				progress := float64(i) / 10
				e := trainevent.Event{RequestID: id, UserID: env.user.Sub, Status: job.InProgress,
					EventTime: t0.Add(time.Duration(i) * time.Millisecond), Seq: uint64(i), Progress: &progress}
				start := time.Now()
				if _, err := send.Send(context.Background(), e); err != nil {
					b.Error(err)
					return
				}
				for {
					a, err := fetch(env.state.HTTPEndpoint, "/status/"+id, env.user.Token, map[string]string{"If-None-Match": etag})
					if err != nil {
						b.Error(err)
						return
					}
					if a.status == http.StatusOK {
						etag = a.header.Get("ETag")
						var it statusapi.Job
						if json.Unmarshal([]byte(a.body), &it) == nil && it.Progress != nil && *it.Progress == progress {
							break
						}
					}
					if time.Since(start) > 30*time.Second {
						b.Errorf("event %d of %s not readable after 30 s (last answer %d %s)", i, id, a.status, a.body)
						return
					}
					time.Sleep(r.poll)
				}
				mu.Lock()
				samples = append(samples, time.Since(start))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if b.Failed() {
		b.FailNow()
	}
	return samples
}

// BenchmarkAPI measures GET /status/{id} through the local HTTP API (JWT check, status-query
// under the emulator, one GetItem): a full answer, and a 304 for a client holding the ETag.
func BenchmarkAPI(b *testing.B) {
	for _, env := range benchStacks(b, deploy.MaxBatchingWindow) {
		sendToAPI(b, env, latencyRun{events: 1, workers: 1, poll: 10 * time.Millisecond})
		list := get(b, env.state.HTTPEndpoint, "/status?limit=1", env.user.Token, nil)
		var page statusapi.JobList
		if err := json.Unmarshal([]byte(list.body), &page); err != nil || len(page.Items) == 0 {
			b.Fatalf("listing the bench user's jobs: %d %s", list.status, list.body)
		}
		id := page.Items[0].RequestID
		etag := get(b, env.state.HTTPEndpoint, "/status/"+id, env.user.Token, nil).header.Get("ETag")
		for _, c := range []struct {
			name    string
			headers map[string]string
			status  int
		}{
			{"200", nil, http.StatusOK},
			{"304", map[string]string{"If-None-Match": etag}, http.StatusNotModified},
		} {
			b.Run(env.name+"/"+c.name, func(b *testing.B) {
				samples := make([]time.Duration, 0, b.N)
				for range b.N {
					start := time.Now()
					if a := get(b, env.state.HTTPEndpoint, "/status/"+id, env.user.Token, c.headers); a.status != c.status {
						b.Fatalf("%d %s; want %d", a.status, a.body, c.status)
					}
					samples = append(samples, time.Since(start))
				}
				percentiles(b, "", samples)
			})
		}
	}
}
