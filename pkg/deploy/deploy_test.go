package deploy

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestSettingsAreConsistent(t *testing.T) {
	if got, want := VisibilityTimeout(MaxBatchingWindow), 6*StatusUpdaterFunction.Timeout; got < want {
		t.Errorf("VisibilityTimeout = %v, want at least %v", got, want)
	}
	if UserSignupFunction.Timeout > 5*time.Second {
		t.Errorf("user-signup timeout %v: Cognito waits at most 5 s for a trigger", UserSignupFunction.Timeout)
	}
	if StatusQueryFunction.Timeout >= 30*time.Second {
		t.Errorf("status-query timeout %v: the HTTP API gives up after 30 s", StatusQueryFunction.Timeout)
	}
	if EventSourceMaxConcurrency < 2 || EventSourceMaxConcurrency > 1000 {
		t.Errorf("EventSourceMaxConcurrency = %d, SQS event sources accept 2..1000", EventSourceMaxConcurrency)
	}
	if BatchSize > 10 && MaxBatchingWindow == 0 {
		t.Errorf("a batch size over 10 needs a batching window")
	}
	if CursorSecretMinBytes != ddb.MinCursorSecret {
		t.Errorf("CursorSecretMinBytes = %d, pkg/ddb's cursors need %d", CursorSecretMinBytes, ddb.MinCursorSecret)
	}
	if EventsMaxMessageBytes <= 64<<10 || EventsMaxMessageBytes > 256<<10 {
		t.Errorf("EventsMaxMessageBytes = %d, want above the 64 KiB Parse accepts and at most SQS's 256 KiB", EventsMaxMessageBytes)
	}
}

func TestFunctionsAreDescribedOnce(t *testing.T) {
	names := map[string]bool{}
	for _, f := range Functions {
		if names[f.Name] {
			t.Errorf("function %s described twice", f.Name)
		}
		names[f.Name] = true
		if got, ok := FunctionByName(f.Name); !ok || got.Name != f.Name || f.MemoryMB < 128 || f.Timeout <= 0 || f.Description == "" {
			t.Errorf("FunctionByName(%q) = %+v, %v", f.Name, got, ok)
		}
		vars := map[string]bool{}
		for _, v := range f.Env {
			if vars[v.Name] {
				t.Errorf("%s: variable %s twice", f.Name, v.Name)
			}
			vars[v.Name] = true
			if v.IsSetting() == (v.Default == "") {
				t.Errorf("%s: %s must be a resource or a setting with a default: %+v", f.Name, v.Name, v)
			}
		}
		if !vars[LogLevelVar.Name] {
			t.Errorf("%s does not read %s", f.Name, LogLevelVar.Name)
		}
	}
	for _, r := range Routes {
		if !names[r.Function] || r.RateLimit <= 0 || r.BurstLimit <= 0 {
			t.Errorf("route %s: %+v", r.Key(), r)
		}
		if r.RateLimit > ThrottleRateLimit || r.BurstLimit > ThrottleBurstLimit {
			t.Errorf("route %s allows more than the stage: %+v", r.Key(), r)
		}
	}
	if !names[NotifierSource.Function] {
		t.Errorf("stream source for unknown function %s", NotifierSource.Function)
	}
}

func TestNotifierFilters(t *testing.T) {
	if statusAttribute != tables.AttrStatus {
		t.Errorf("filters read attribute %q; the status table's is %q", statusAttribute, tables.AttrStatus)
	}
	want := []string{
		`{"dynamodb":{"NewImage":{"status":{"S":["SUCCESS","FAILED"]}}},"eventName":["INSERT"]}`,
		`{"dynamodb":{"NewImage":{"status":{"S":["SUCCESS","FAILED"]}},"OldImage":{"status":{"S":[{"anything-but":["SUCCESS","FAILED"]}]}}},"eventName":["MODIFY"]}`,
		`{"dynamodb":{"NewImage":{"stall_alerted_for":{"S":[{"exists":true}]}},"OldImage":{"stall_alerted_for":{"S":[{"exists":false}]}}},"eventName":["MODIFY"]}`,
	}
	if !slices.Equal(NotifierSource.Filters, want) {
		t.Errorf("filters\n%s\nwant\n%s", strings.Join(NotifierSource.Filters, "\n"), strings.Join(want, "\n"))
	}
	for _, f := range NotifierSource.Filters {
		if !json.Valid([]byte(f)) {
			t.Errorf("invalid JSON filter %s", f)
		}
	}
}
