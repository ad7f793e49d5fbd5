package main

import (
	"testing"
	"time"
)

// BenchmarkTokenCheck serves POST /v1/events with one event against DynamoDB Local and the
// in-memory SQS, with the token cache (TOKEN_CACHE_TTL 30s) and without it (0), counting the
// DynamoDB calls with the spy: GetItem/op is the token check, UpdateItem/op the rate window
// (and last_used_at, written once: the clock does not move an hour).
func BenchmarkTokenCheck(b *testing.B) {
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", 30 * time.Second}, {"no-cache", 0}} {
		b.Run(bc.name, func(b *testing.B) {
			f := newFixture(b, options{ttl: bc.ttl, limit: 1 << 40})
			secret := f.token(alice)
			req := post(auth(secret), event("job-bench"))
			f.do(req) // the first use writes last_used_at
			f.spy.Reset()
			b.ResetTimer()
			for range b.N {
				if resp := f.do(req); resp.StatusCode != 200 {
					b.Fatal(resp.Body)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(f.calls("GetItem"))/float64(b.N), "GetItem/op")
			b.ReportMetric(float64(f.calls("UpdateItem"))/float64(b.N), "UpdateItem/op")
			b.ReportMetric(float64(f.calls())/float64(b.N), "ddb-calls/op")
		})
	}
}
