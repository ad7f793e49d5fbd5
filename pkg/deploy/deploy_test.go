package deploy

import (
	"testing"
	"time"
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
	if MaxConcurrency < 2 || MaxConcurrency > 1000 {
		t.Errorf("MaxConcurrency = %d, SQS event sources accept 2..1000", MaxConcurrency)
	}
	if BatchSize > 10 && MaxBatchingWindow == 0 {
		t.Errorf("a batch size over 10 needs a batching window")
	}
	for _, name := range Functions {
		f, ok := FunctionByName(name)
		if !ok || f.MemoryMB < 128 || f.Timeout <= 0 {
			t.Errorf("FunctionByName(%q) = %+v, %v", name, f, ok)
		}
	}
}
