// Package testenv gives the local stack's tests what they run against: the installed tools
// (failing, never skipping, when `make local-deps` has not run) and the test Lambda handler
// local/internal/testfn built for this machine.
package testenv

import (
	"os"
	"testing"

	"github.com/trainstatus/trainstatus/local/deps"
)

// Tools returns the installed tools or fails the test with what to run.
func Tools(t testing.TB) deps.Tools {
	t.Helper()
	tools, err := deps.Find()
	if err != nil {
		t.Fatalf("%v", err)
	}
	return tools
}

// Main runs the tests of a package and removes the built test handler afterwards; call it from
// TestMain: func TestMain(m *testing.M) { os.Exit(testenv.Main(m)) }.
func Main(m *testing.M) int {
	code := m.Run()
	Cleanup()
	return code
}

// Cleanup removes what this package built (the test handler, the functions' bootstraps); Main
// calls it, a TestMain with more to do calls it itself.
func Cleanup() {
	for _, dir := range []string{testfn.dir, bootstrapsDir, cli.dir} {
		if dir != "" {
			_ = os.RemoveAll(dir)
		}
	}
}
