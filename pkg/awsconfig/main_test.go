package awsconfig

import (
	"os"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

// useEnv gives the test exactly env as its AWS settings: every AWS_ variable of the machine is
// unset for the test (and restored after it), and HOME and the shared config file paths point
// into an empty folder, so that LoadDefaultConfig, the reference, finds no profile either.
func useEnv(t *testing.T, env map[string]string) {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	empty := t.TempDir()
	t.Setenv("HOME", empty)
	t.Setenv("AWS_CONFIG_FILE", empty+"/config")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", empty+"/credentials")
	for k, v := range env {
		t.Setenv(k, v)
	}
}
