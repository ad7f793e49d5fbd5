package e2e

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"

	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

var (
	buildOnce sync.Once
	buildDir  string // <buildDir>/<function>/bootstrap, as build/host/ after `make build-host`
	buildErr  error
	buildOut  []byte
)

// bootstraps builds the three functions for this machine once per test binary, with the flags of
// `make build-host`, so that `go test ./...` on a fresh clone tests the current code, never a
// stale build/host/. It returns the folder to give as stack.Config.BuildHost.
func bootstraps(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		root, err := deps.RepoRoot()
		if err != nil {
			buildErr = err
			return
		}
		if buildDir, buildErr = os.MkdirTemp("", "e2e-bootstraps-"); buildErr != nil {
			return
		}
		bin := filepath.Join(buildDir, "bin")
		args := []string{"build", "-trimpath", "-tags", "lambda.norpc", "-ldflags=-s -w", "-o", bin + string(filepath.Separator)}
		for _, spec := range deploy.Functions {
			fn := spec.Name
			args = append(args, "./functions/"+fn)
		}
		cmd := exec.Command("go", args...) // one command: the go tool builds them in parallel
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if buildOut, buildErr = cmd.CombinedOutput(); buildErr != nil {
			return
		}
		for _, spec := range deploy.Functions {
			fn := spec.Name
			if buildErr = os.MkdirAll(filepath.Join(buildDir, fn), 0o755); buildErr != nil {
				return
			}
			if buildErr = os.Rename(filepath.Join(bin, fn), filepath.Join(buildDir, fn, "bootstrap")); buildErr != nil {
				return
			}
		}
	})
	if buildErr != nil {
		t.Fatalf("building the bootstraps: %v\n%s", buildErr, buildOut)
	}
	return buildDir
}

// TestMain stops the benchmarks' stacks and removes the built bootstraps after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := stopBenchEnvs(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the benchmarks' stacks:", err)
		code = max(code, 1)
	}
	if buildDir != "" {
		_ = os.RemoveAll(buildDir)
	}
	os.Exit(code)
}
