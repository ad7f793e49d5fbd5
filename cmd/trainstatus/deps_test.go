package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestNoDynamoDBDependency: a training job links pkg/producer and runs the CLI; neither may link
// the DynamoDB SDK or the packages built on it (issue 11.2). Test-only imports do not count:
// `go list -deps` without -test lists what the binary and the library link.
func TestNoDynamoDBDependency(t *testing.T) {
	goBin := filepath.Join(runtime.GOROOT(), "bin", "go")
	forbidden := []string{
		"github.com/aws/aws-sdk-go-v2/service/dynamodb",
		"github.com/aws/aws-sdk-go-v2/feature/dynamodb",
		"github.com/trainstatus/trainstatus/pkg/ddb",
		"github.com/trainstatus/trainstatus/pkg/tables",
		"github.com/trainstatus/trainstatus/pkg/tracker",
	}
	for _, pkg := range []string{".", "../../pkg/producer", "../../pkg/dlqtool", "../../pkg/trainevent", "../../pkg/statusapi", "../../pkg/deploy"} {
		t.Run(pkg, func(t *testing.T) {
			out, err := exec.Command(goBin, "list", "-deps", pkg).Output()
			if err != nil {
				var stderr string
				if ee, ok := err.(*exec.ExitError); ok {
					stderr = string(ee.Stderr)
				}
				t.Fatalf("go list -deps %s: %v\n%s", pkg, err, stderr)
			}
			deps := strings.Fields(string(out))
			if len(deps) < 2 {
				t.Fatalf("go list -deps %s listed %q", pkg, deps)
			}
			for _, dep := range deps {
				for _, bad := range forbidden {
					if dep == bad || strings.HasPrefix(dep, bad+"/") {
						t.Errorf("%s depends on %s", pkg, dep)
					}
				}
			}
		})
	}
}
