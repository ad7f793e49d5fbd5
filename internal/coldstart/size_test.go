package coldstart

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// MaxBootstrapBytes is the most a function's bootstrap may weigh: 9 MiB.
const MaxBootstrapBytes = 9 << 20

// envBuildLambda names a folder of the bootstraps `make build` wrote (build/lambda/): make test
// builds them before the tests (beside vet, which compiles for this machine) and sets it, so that
// this test does not compile the AWS SDK for arm64 in the middle of the others.
const envBuildLambda = "TRAINSTATUS_BUILD_LAMBDA"

// TestBootstrapSizes weighs the bootstraps of `make build` ($TRAINSTATUS_BUILD_LAMBDA, else a
// `make build` into a temporary folder) and requires one for every function under functions/,
// each at most MaxBootstrapBytes.
func TestBootstrapSizes(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	out := os.Getenv(envBuildLambda)
	if out == "" {
		out = filepath.Join(t.TempDir(), "lambda")
		cmd := exec.Command("make", "--no-print-directory", "build", "BUILD="+filepath.Dir(out))
		cmd.Dir = root
		// A make of its own, not a part of the make that may be running the tests.
		for _, kv := range os.Environ() {
			if k, _, _ := strings.Cut(kv, "="); k != "MAKEFLAGS" && k != "MFLAGS" && k != "MAKELEVEL" {
				cmd.Env = append(cmd.Env, kv)
			}
		}
		if msg, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("make build: %v\n%s", err, msg)
		}
	}
	functions, err := os.ReadDir(filepath.Join(root, "functions"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range functions {
		if f.IsDir() {
			names = append(names, f.Name())
		}
	}
	built, err := filepath.Glob(filepath.Join(out, "*", "bootstrap"))
	if err != nil {
		t.Fatal(err)
	}
	if len(built) != len(names) {
		t.Errorf("%s has %d bootstraps, want one for each of %v", out, len(built), names)
	}
	for _, name := range names {
		st, err := os.Stat(filepath.Join(out, name, "bootstrap"))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		t.Logf("%s: %d bytes (%.2f MiB)", name, st.Size(), float64(st.Size())/(1<<20))
		if st.Size() > MaxBootstrapBytes {
			t.Errorf("%s: bootstrap %d bytes (%.2f MiB), over %d (9 MiB)", name, st.Size(), float64(st.Size())/(1<<20), MaxBootstrapBytes)
		}
	}
}
