package main

import (
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// platformPackage is the one package of the CLI whose code differs by operating system.
const platformPackage = "github.com/trainstatus/trainstatus/cmd/trainstatus/internal/platform"

// crossTargets are the systems training runs on besides the test machine's own (linux/amd64):
// with it, every operating system (Linux, macOS, Windows) and every architecture (amd64, arm64).
// `make cross` builds and vets the whole CLI for all six pairs.
var crossTargets = []struct{ goos, goarch string }{
	{"windows", "amd64"},
	{"darwin", "arm64"},
}

// TestCrossBuild: the CLI's platform code (and its tests) pass go vet, which compiles the
// package's dependencies for the target and type-checks it, on each of crossTargets. The rest of
// the CLI is the same code everywhere (TestPlatformCodeIsHere), so this is the part that can
// build here and not there; vetting only it costs about 20 s of CPU per target on a fresh clone,
// where a vet of the whole CLI compiled the AWS SDK afresh for each (75 s each).
func TestCrossBuild(t *testing.T) {
	for _, target := range crossTargets {
		t.Run(target.goos+"/"+target.goarch, func(t *testing.T) {
			cmd := exec.Command(goBin(), "vet", "./internal/platform")
			cmd.Env = append(os.Environ(), "GOOS="+target.goos, "GOARCH="+target.goarch, "CGO_ENABLED=0")
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Errorf("GOOS=%s GOARCH=%s go vet ./internal/platform: %v\n%s", target.goos, target.goarch, err, out)
			}
		})
	}
}

// nonPortableImports may be imported only by the platform package: the system's own interfaces.
var nonPortableImports = []string{"syscall", "golang.org/x/sys/", "golang.org/x/term"}

// TestPlatformCodeIsHere: every package of this module that the CLI links, but the platform
// package, is the same files with the same imports on linux, darwin and windows (no build
// constraint, no _windows.go or _unix.go file), and imports none of nonPortableImports. Then what
// builds here builds there, but for the platform package, which TestCrossBuild vets. go list
// reads file headers only: this costs no compile.
func TestPlatformCodeIsHere(t *testing.T) {
	var host map[string]listedPackage
	for _, goos := range []string{"linux", "darwin", "windows"} {
		pkgs := listDeps(t, goos)
		if _, ok := pkgs[platformPackage]; !ok {
			t.Fatalf("GOOS=%s: the CLI does not link %s: this test would check nothing", goos, platformPackage)
		}
		for path, p := range pkgs {
			if path == platformPackage {
				continue
			}
			for _, imp := range p.Imports {
				for _, bad := range nonPortableImports {
					if imp == bad || strings.HasPrefix(imp, bad) {
						t.Errorf("GOOS=%s: %s imports %s: system-specific code goes in internal/platform", goos, path, imp)
					}
				}
			}
			// Test files may be for some systems only (run_signal_unix_test.go sends Unix signals):
			// they are not in the binary, and `make cross` vets them on each system.
			if ignored := slices.DeleteFunc(p.IgnoredGoFiles, func(f string) bool { return strings.HasSuffix(f, "_test.go") }); len(ignored) > 0 {
				t.Errorf("GOOS=%s: %s has files for other systems only (%s): system-specific code goes in internal/platform", goos, path, strings.Join(ignored, ", "))
			}
		}
		if host == nil {
			host = pkgs
			continue
		}
		for path, p := range pkgs {
			if path == platformPackage {
				continue
			}
			h := host[path]
			if d := difference(h.GoFiles, p.GoFiles) + difference(h.Imports, p.Imports); d != "" {
				t.Errorf("%s is not the same on linux and %s:%s", path, goos, d)
			}
		}
	}
}

// listedPackage is what TestPlatformCodeIsHere reads of `go list -json`.
type listedPackage struct {
	ImportPath     string
	Module         *struct{ Path string }
	GoFiles        []string
	IgnoredGoFiles []string
	Imports        []string
}

// listDeps lists the packages of this module that the CLI links when built for goos.
func listDeps(t *testing.T, goos string) map[string]listedPackage {
	t.Helper()
	cmd := exec.Command(goBin(), "list", "-deps", "-json=ImportPath,Module,GoFiles,IgnoredGoFiles,Imports", ".")
	cmd.Env = append(os.Environ(), "GOOS="+goos, "GOARCH=amd64", "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("GOOS=%s go list: %v\n%s", goos, err, ee.Stderr)
		}
		t.Fatal(err)
	}
	pkgs := map[string]listedPackage{}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("GOOS=%s go list: %v", goos, err)
		}
		if p.Module != nil && p.Module.Path == "github.com/trainstatus/trainstatus" {
			pkgs[p.ImportPath] = p
		}
	}
	if len(pkgs) < 5 {
		t.Fatalf("GOOS=%s go list found only %d packages of this module: %v", goos, len(pkgs), pkgs)
	}
	return pkgs
}

// difference names what only one of linux and other has, or is "".
func difference(linux, other []string) string {
	var d string
	for _, s := range linux {
		if !slices.Contains(other, s) {
			d += " " + s + " (linux only)"
		}
	}
	for _, s := range other {
		if !slices.Contains(linux, s) {
			d += " " + s + " (not on linux)"
		}
	}
	return d
}

func goBin() string { return filepath.Join(runtime.GOROOT(), "bin", "go") }
