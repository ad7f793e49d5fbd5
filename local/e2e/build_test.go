package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/trainstatus/trainstatus/local/internal/testenv"
)

// bootstraps returns the folder of the functions' bootstraps to give as stack.Config.BuildHost:
// the ones `make test` built, or built once per test binary (testenv.Bootstraps).
func bootstraps(t testing.TB) string {
	t.Helper()
	return testenv.Bootstraps(t)
}

// TestMain stops the benchmarks' stacks and removes the built bootstraps after the tests.
func TestMain(m *testing.M) {
	code := m.Run()
	if err := stopBenchEnvs(); err != nil {
		fmt.Fprintln(os.Stderr, "stopping the benchmarks' stacks:", err)
		code = max(code, 1)
	}
	testenv.Cleanup()
	os.Exit(code)
}
