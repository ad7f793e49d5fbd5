package coldstart

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// binaries are the packages measured; the first is the baseline. The two sdk- rows are
// references, not functions: the minimal function plus the SDK's DynamoDB marshaller (its types
// package and generated model), and plus a DynamoDB client as the functions create it. What a
// function costs above sdk-dynamodb-client is its own.
var binaries = []struct{ name, pkg string }{
	{"baseline-hello", "./internal/coldstart/testdata/hello"},
	{"sdk-dynamodb-types", "./internal/coldstart/testdata/dynamodbtypes"},
	{"sdk-dynamodb-client", "./internal/coldstart/testdata/dynamodbclient"},
	{"status-updater", "./functions/status-updater"},
	{"user-signup", "./functions/user-signup"},
	{"status-query", "./functions/status-query"},
	{"status-notifier", "./functions/status-notifier"},
	{"ingest", "./functions/ingest"},
	{"stall-sweep", "./functions/stall-sweep"},
}

func repoRoot(b *testing.B) string {
	dir, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		b.Fatal(err)
	}
	return dir
}

// build compiles pkg as a stripped Lambda bootstrap for goos/goarch, as make build does.
func build(b *testing.B, pkg, goos, goarch string) string {
	b.Helper()
	out := filepath.Join(b.TempDir(), "bootstrap")
	cmd := exec.Command("go", "build", "-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w", "-o", out, pkg)
	cmd.Dir = repoRoot(b)
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS="+goos, "GOARCH="+goarch)
	if msg, err := cmd.CombinedOutput(); err != nil {
		b.Fatalf("building %s: %v\n%s", pkg, err, msg)
	}
	return out
}

// BenchmarkBootstrapSize reports the size of each stripped linux/arm64 bootstrap (the artefact
// deployed); ns/op is meaningless here.
func BenchmarkBootstrapSize(b *testing.B) {
	for _, bin := range binaries {
		b.Run(bin.name, func(b *testing.B) {
			path := build(b, bin.pkg, "linux", "arm64")
			st, err := os.Stat(path)
			if err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
			}
			b.ReportMetric(float64(st.Size())/(1<<20), "MiB")
		})
	}
}

// BenchmarkStartToReady runs each bootstrap (built for this machine) against a minimal Runtime
// API and times process start to its first "next invocation" request: the init phase. ns/op is
// the mean; p50-ms the median, less sensitive to a busy machine. Each start of a function is
// paired with a start of the baseline just before it, so that both see the same load, and
// x-hello-p50 is the ratio of their medians: a report, with no goal (see the package doc).
func BenchmarkStartToReady(b *testing.B) {
	hello := build(b, binaries[0].pkg, runtime.GOOS, runtime.GOARCH)
	for i, bin := range binaries {
		b.Run(bin.name, func(b *testing.B) {
			path := hello
			if i > 0 {
				path = build(b, bin.pkg, runtime.GOOS, runtime.GOARCH)
			}
			api := newRuntimeAPI(b)
			var own, base []time.Duration
			for b.Loop() {
				if i > 0 {
					b.StopTimer()
					base = append(base, startToReady(b, api, hello, binaries[0].name))
					b.StartTimer()
				}
				own = append(own, startToReady(b, api, path, bin.name))
			}
			b.ReportMetric(float64(median(own))/1e6, "p50-ms")
			if len(base) > 0 {
				b.ReportMetric(float64(median(own))/float64(median(base)), "x-hello-p50")
			}
		})
	}
}

// startToReady starts the bootstrap at path with a function's environment and returns how long
// it took to ask api for its first invocation; then it stops the process.
func startToReady(b *testing.B, api *runtimeAPI, path, name string) time.Duration {
	api.reset()
	cmd := exec.Command(path)
	cmd.Env = append(functionEnv(b, name),
		"AWS_LAMBDA_RUNTIME_API="+api.addr,
		"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
		"AWS_LAMBDA_FUNCTION_NAME="+name,
		"HOME="+b.TempDir(),
	)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	}()
	select {
	case <-api.ready:
		return time.Since(start)
	case <-time.After(10 * time.Second):
		b.Fatalf("%s never asked for an invocation", name)
		return 0
	}
}

// placeholders are values of the right form for the resources a function is given (pkg/deploy's
// Vars); none is reached, since the measurement ends at the first request for an invocation.
var placeholders = map[deploy.Resource]string{
	deploy.StatusTableName:    "status",
	deploy.UserTableName:      "users",
	deploy.TokensTableName:    "tokens",
	deploy.RateLimitTableName: "rate-windows",
	deploy.DeadLetterQueueURL: "http://127.0.0.1:1/000000000000/dlq",
	deploy.EventsQueueURL:     "http://127.0.0.1:1/000000000000/events",
	deploy.CursorKey:          "0123456789abcdef0123456789abcdef",
	deploy.NotificationSender: "noreply@example.com",
	deploy.TrackerPageURL:     "http://127.0.0.1:1/",
}

// functionEnv is the environment of the named function as pkg/deploy describes it (its settings
// at their defaults): a function added there is measured with what it reads. The reference rows
// (the minimal function and the sdk- ones) read the status table's name at most.
func functionEnv(b *testing.B, name string) []string {
	fn, ok := deploy.FunctionByName(name)
	if !ok {
		return []string{deploy.StatusTableVar.Name + "=status"}
	}
	var env []string
	for _, v := range fn.Env {
		if v.IsSetting() {
			continue
		}
		value, ok := placeholders[v.Resource]
		if !ok && v != deploy.CursorSecretPreviousVar { // optional: the previous key during a rotation
			b.Fatalf("%s reads %s (%s): add a placeholder for it", name, v.Name, v.Resource)
		}
		if ok {
			env = append(env, v.Name+"="+value)
		}
	}
	return env
}

func median(d []time.Duration) time.Duration {
	s := slices.Clone(d)
	slices.Sort(s)
	return s[len(s)/2]
}

// runtimeAPI answers the first GET .../invocation/next by signalling ready and then holds the
// request open, as the real Runtime API does while no event is waiting.
type runtimeAPI struct {
	addr  string
	mu    sync.Mutex
	ready chan struct{}
}

func newRuntimeAPI(b *testing.B) *runtimeAPI {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	api := &runtimeAPI{addr: l.Addr().String(), ready: make(chan struct{}, 1)}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		api.mu.Lock()
		select {
		case api.ready <- struct{}{}:
		default:
		}
		api.mu.Unlock()
		<-r.Context().Done()
	})}
	go srv.Serve(l)
	b.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		srv.Close()
	})
	return api
}

func (a *runtimeAPI) reset() {
	a.mu.Lock()
	defer a.mu.Unlock()
	select {
	case <-a.ready:
	default:
	}
}
