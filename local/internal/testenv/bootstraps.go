package testenv

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

// EnvBuildHost names a folder of prebuilt bootstraps for this machine (<function>/bootstrap, as
// `make build-host` writes build/host/). `make test` builds them once and sets it, so that the
// tests that run the whole stack do not each build the functions again.
const EnvBuildHost = "TRAINSTATUS_BUILD_HOST"

var (
	bootstrapsOnce sync.Once
	bootstrapsDir  string
	bootstrapsErr  error
)

// Bootstraps returns a folder holding <function>/bootstrap for every function of pkg/deploy:
// $TRAINSTATUS_BUILD_HOST when set (a missing bootstrap fails the test), else a temporary folder
// where it builds them once per test binary with the flags of `make build-host`, in one go build
// (removed by Main), so that `go test ./...` on a fresh clone tests the current code, never a
// stale build/host/.
func Bootstraps(t testing.TB) string {
	t.Helper()
	dir, err := PrebuiltOrBuild()
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// PrebuiltOrBuild is Bootstraps for code outside a test (a TestMain, a shared environment).
func PrebuiltOrBuild() (string, error) {
	if dir := os.Getenv(EnvBuildHost); dir != "" {
		for _, fn := range deploy.Functions {
			p := filepath.Join(dir, fn.Name, "bootstrap")
			if st, err := os.Stat(p); err != nil || st.Mode()&0o111 == 0 {
				return "", fmt.Errorf("%s=%s has no executable %s/bootstrap (%v): run make build-host, or unset it", EnvBuildHost, dir, fn.Name, err)
			}
		}
		return dir, nil
	}
	bootstrapsOnce.Do(func() {
		if bootstrapsDir, bootstrapsErr = os.MkdirTemp("", "bootstraps-"); bootstrapsErr == nil {
			_, bootstrapsErr = buildBootstraps(bootstrapsDir)
		}
	})
	return bootstrapsDir, bootstrapsErr
}

// buildBootstraps builds every function into dir/<function>/bootstrap.
func buildBootstraps(dir string) (string, error) {
	root, err := deps.RepoRoot()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "bin")
	// HOST_BUILD_FLAGS in the Makefile: no -trimpath, so that the build reuses what go test compiled.
	args := []string{"build", "-tags", "lambda.norpc", "-ldflags=-s -w", "-o", bin + string(filepath.Separator)}
	for _, fn := range deploy.Functions {
		args = append(args, "./functions/"+fn.Name)
	}
	cmd := exec.Command("go", args...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building the bootstraps: %w\n%s", err, out)
	}
	for _, fn := range deploy.Functions {
		if err := os.MkdirAll(filepath.Join(dir, fn.Name), 0o755); err != nil {
			return "", err
		}
		if err := os.Rename(filepath.Join(bin, fn.Name), filepath.Join(dir, fn.Name, "bootstrap")); err != nil {
			return "", err
		}
	}
	return dir, nil
}
