package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// crossTargets are the systems training runs on besides the test machine's own (linux/amd64, on
// which the tests run): with it, every operating system (Linux, macOS, Windows) and every
// architecture (amd64, arm64) is covered. `make cross` builds and vets all six pairs; `make test`
// vets these two, because each pair compiles the AWS SDK afresh (about 30 s of CPU on a quiet
// machine, a minute beside the other tests) and the CLI's platform code differs by operating
// system, not by architecture (process_unix.go, process_windows.go, run_signal_unix_test.go).
var crossTargets = []struct{ goos, goarch string }{
	{"windows", "amd64"},
	{"darwin", "arm64"},
}

// TestCrossBuild: the CLI's code and tests pass go vet, which compiles every dependency for the
// target and type-checks the package with its test files, for each of crossTargets. The tests
// themselves run on the machine's own system; the build-tagged files of the others are at least
// compiled and vetted here.
func TestCrossBuild(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	for _, target := range crossTargets {
		t.Run(target.goos+"/"+target.goarch, func(t *testing.T) {
			cmd := exec.Command(goBin, "vet", ".")
			cmd.Env = append(os.Environ(), "GOOS="+target.goos, "GOARCH="+target.goarch, "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("GOOS=%s GOARCH=%s go vet: %v\n%s", target.goos, target.goarch, err, out)
			}
		})
	}
}
