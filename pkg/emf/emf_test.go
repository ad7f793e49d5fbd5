package emf

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

func TestWriteOneLine(t *testing.T) {
	var out bytes.Buffer
	w := New(&out, "ns", "fn")
	w.now = func() time.Time { return time.UnixMilli(1234) }
	w.Write(Metric{"sent", 2, Count}, Metric{"skipped", 0, Count}, Metric{"DurationMs", 15, Milliseconds})
	var doc map[string]any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || bytes.Count(out.Bytes(), []byte("\n")) != 1 {
		t.Fatalf("not one JSON line: %q (%v)", out.String(), err)
	}
	want := `{"CloudWatchMetrics":[{"Dimensions":[["FunctionName"]],"Metrics":[{"Name":"sent","Unit":"Count"},{"Name":"skipped","Unit":"Count"},{"Name":"DurationMs","Unit":"Milliseconds"}],"Namespace":"ns"}],"Timestamp":1234}`
	meta, _ := json.Marshal(doc["_aws"])
	cases := []struct {
		name string
		got  any
		want any
	}{
		{"sent", doc["sent"], 2.0},
		{"zero kept", doc["skipped"], 0.0},
		{"dimension", doc["FunctionName"], "fn"},
		{"directive", string(meta), want},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	var nilWriter *Writer
	nilWriter.Write(Metric{"x", 1, Count}) // must not panic
}
