package e2e

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// benchEnv is a stack the benchmarks measure, with a signed-up user.
type benchEnv struct {
	name  string // how sub-benchmarks name it: window=1s, window=0s, external
	state stack.State
	user  user

	stack *stack.Stack // the in-process stack; nil for an external one
}

var (
	benchMu    sync.Mutex
	benchEnvs  = map[string]*benchEnv{}
	benchStops []func() error // run by stopBenchEnvs, last first
	benchDDB   string         // the DynamoDB Local of the in-process stacks
)

// benchStacks returns the stacks to measure: the running stack named by TRAINSTATUS_E2E_STATE, or
// in-process stacks (started once per test binary, stopped after the benchmarks) with the given
// batching windows; 0 means none.
func benchStacks(b *testing.B, windows ...time.Duration) []*benchEnv {
	b.Helper()
	if path := os.Getenv(envState); path != "" {
		return []*benchEnv{externalEnv(b, path)}
	}
	var out []*benchEnv
	for _, w := range windows {
		out = append(out, inProcessEnv(b, w))
	}
	return out
}

func externalEnv(b *testing.B, path string) *benchEnv {
	benchMu.Lock()
	defer benchMu.Unlock()
	if e := benchEnvs["external"]; e != nil {
		return e
	}
	s, err := stack.ReadState(path)
	if err != nil {
		b.Fatal(err)
	}
	if s.User == nil || s.User.IDToken == "" || s.User.Sub == "" {
		b.Fatalf("%s names no signed-up user: start the stack with a user (make up does)", path)
	}
	e := &benchEnv{name: "external", state: s, user: user{Email: s.User.Email, Sub: s.User.Sub, Token: s.User.IDToken}}
	benchEnvs[e.name] = e
	return e
}

func inProcessEnv(b *testing.B, window time.Duration) *benchEnv {
	name := "window=" + window.String()
	benchMu.Lock()
	defer benchMu.Unlock()
	if e := benchEnvs[name]; e != nil {
		return e
	}
	if benchDDB == "" {
		endpoint, stop, err := startDynamoDB()
		if err != nil {
			b.Fatalf("starting DynamoDB Local: %v", err)
		}
		benchStops = append(benchStops, stop)
		benchDDB = endpoint
	}
	// The ingest benchmark sends thousands of events as one user: no rate limit in its way.
	cfg := stack.Config{DynamoDBEndpoint: benchDDB, BatchingWindow: window,
		FunctionEnv: map[string]map[string]string{deploy.Ingest: {deploy.IngestRateLimitVar.Name: "1000000"}}}
	if window == 0 {
		cfg.BatchingWindow = -1
	}
	st, err := launch(bootstraps(b), cfg)
	if err != nil {
		b.Fatalf("starting the local stack: %v", err)
	}
	benchStops = append(benchStops, func() error { return errors.Join(closeStack(st)...) })
	e := &benchEnv{name: name, state: st.State, stack: st}
	e.user = signUp(b, st.State, fmt.Sprintf("bench-%d@example.com", len(benchEnvs)))
	benchEnvs[name] = e
	return e
}

// stopBenchEnvs stops the in-process stacks and DynamoDB Local; TestMain calls it.
func stopBenchEnvs() error {
	benchMu.Lock()
	defer benchMu.Unlock()
	var errs []error
	for i := len(benchStops) - 1; i >= 0; i-- {
		errs = append(errs, benchStops[i]())
	}
	benchStops = nil
	return errors.Join(errs...)
}

// percentiles reports the median and 99th percentile of samples, in milliseconds, as
// <prefix>p50-ms and <prefix>p99-ms (nearest rank).
func percentiles(b *testing.B, prefix string, samples []time.Duration) {
	if len(samples) == 0 {
		b.Fatal("no samples")
	}
	s := append([]time.Duration(nil), samples...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	rank := func(p float64) time.Duration {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(i, len(s)-1))]
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	b.ReportMetric(ms(rank(0.50)), prefix+"p50-ms")
	b.ReportMetric(ms(rank(0.99)), prefix+"p99-ms")
}
