package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// binary is a Go program this package builds once per test binary, into a temporary folder that
// Cleanup removes.
type binary struct {
	pkg, name, tags string

	once sync.Once
	dir  string
	err  error
	out  []byte
}

// path builds the program on first use and returns its path; a failed build fails t.
func (b *binary) path(t testing.TB) string {
	t.Helper()
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", b.name+"-"); b.err != nil {
			return
		}
		args := []string{"build", "-o", filepath.Join(b.dir, b.name)}
		if b.tags != "" {
			args = append(args, "-tags", b.tags)
		}
		cmd := exec.Command("go", append(args, b.pkg)...)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		b.out, b.err = cmd.CombinedOutput()
	})
	if b.err != nil {
		t.Fatalf("go build %s: %v\n%s", b.pkg, b.err, b.out)
	}
	return filepath.Join(b.dir, b.name)
}

var (
	// testfn is the test Lambda handler, built as `make build-host` builds the real functions.
	testfn = &binary{pkg: "github.com/trainstatus/trainstatus/local/internal/testfn", name: "bootstrap", tags: "lambda.norpc"}
	// cli is the trainstatus command.
	cli = &binary{pkg: "github.com/trainstatus/trainstatus/cmd/trainstatus", name: "trainstatus"}
)

// Bootstrap builds testfn once per test binary and returns the binary's path.
func Bootstrap(t testing.TB) string { t.Helper(); return testfn.path(t) }

// CLI builds cmd/trainstatus once per test binary and returns its path: the tests that report a
// job the way a user does run the real command.
func CLI(t testing.TB) string { t.Helper(); return cli.path(t) }
