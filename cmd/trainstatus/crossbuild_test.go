package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
)

// TestCrossBuild: the CLI builds, and its code and tests pass go vet (which type-checks the
// test files too), for every system training runs on: Linux, macOS and Windows, amd64 and arm64.
// The tests themselves run on the machine's own system; the build-tagged files of the others
// (process_windows.go, run_signal_unix_test.go) are at least compiled and vetted here.
func TestCrossBuild(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	for _, goos := range []string{"linux", "darwin", "windows"} {
		for _, goarch := range []string{"amd64", "arm64"} {
			t.Run(goos+"/"+goarch, func(t *testing.T) {
				for _, args := range [][]string{{"build", "-o", os.DevNull, "."}, {"vet", "."}} {
					cmd := exec.Command(goBin, args...)
					cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
					if out, err := cmd.CombinedOutput(); err != nil {
						t.Errorf("GOOS=%s GOARCH=%s go %v: %v\n%s", goos, goarch, args, err, out)
					}
				}
			})
		}
	}
}
