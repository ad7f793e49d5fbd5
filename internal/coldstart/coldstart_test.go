package coldstart

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// binaries are the packages measured; the first is the baseline.
var binaries = []struct{ name, pkg string }{
	{"baseline-hello", "./internal/coldstart/testdata/hello"},
	{"status-updater", "./functions/status-updater"},
	{"user-signup", "./functions/user-signup"},
	{"status-query", "./functions/status-query"},
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
// API and times process start to its first "next invocation" request: the init phase.
func BenchmarkStartToReady(b *testing.B) {
	for _, bin := range binaries {
		b.Run(bin.name, func(b *testing.B) {
			path := build(b, bin.pkg, runtime.GOOS, runtime.GOARCH)
			api := newRuntimeAPI(b)
			for b.Loop() {
				api.reset()
				cmd := exec.Command(path)
				cmd.Env = []string{
					"AWS_LAMBDA_RUNTIME_API=" + api.addr,
					"AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
					"AWS_LAMBDA_FUNCTION_NAME=" + bin.name,
					"STATUS_TABLE_NAME=status", "USER_TABLE_NAME=users",
					"DEAD_LETTER_QUEUE_URL=http://127.0.0.1:1/000000000000/dlq",
					"CURSOR_SECRET=0123456789abcdef0123456789abcdef",
					"HOME=" + b.TempDir(),
				}
				if err := cmd.Start(); err != nil {
					b.Fatal(err)
				}
				select {
				case <-api.ready:
				case <-time.After(10 * time.Second):
					b.Fatalf("%s never asked for an invocation", bin.name)
				}
				_ = cmd.Process.Kill()
				_ = cmd.Wait()
			}
		})
	}
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
