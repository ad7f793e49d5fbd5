// Package samples loads the sample events of events/ in tests, decoded into their real Lambda
// event types: the same files `sam local invoke -e` would take.
package samples

import (
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir is the events/ folder of the repository.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "events")
}

// Load decodes events/<kind>/<name> into a T (events.SQSEvent, events.APIGatewayV2HTTPRequest,
// ...), failing the test if it cannot.
func Load[T any](t testing.TB, kind, name string) T {
	t.Helper()
	var v T
	raw, err := os.ReadFile(filepath.Join(Dir(), kind, name))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatalf("events/%s/%s: %v", kind, name, err)
	}
	return v
}
