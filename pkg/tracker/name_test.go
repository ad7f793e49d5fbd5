package tracker_test

import (
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestNameAndStallWindowKept: the display name and the job's own stall window are stored when an
// event gives them and kept by events that do not (a heartbeat repeats neither).
func TestNameAndStallWindowKept(t *testing.T) {
	f := newFixture(t)
	named := func(ev trainevent.Event, name string, stall time.Duration) trainevent.Event {
		ev.Name, ev.StallAfter = name, stall
		return ev
	}
	steps := []struct {
		ev        trainevent.Event
		wantName  string
		wantStall int64
	}{
		{named(event("run-1", job.Started, 0, 0), "resnet50 lr=0.1", 10*time.Minute), "resnet50 lr=0.1", 600},
		{event("run-1", job.InProgress, 10, 0), "resnet50 lr=0.1", 600},
		{named(event("run-1", job.InProgress, 20, 0), "resnet50 lr=0.2", 0), "resnet50 lr=0.2", 600},
		{named(event("run-1", job.Failed, 30, 0), "", 2*time.Minute), "resnet50 lr=0.2", 120},
	}
	for i, s := range steps {
		if res, err := f.apply(s.ev); err != nil || res.Outcome != tracker.Applied {
			t.Fatalf("step %d: %+v, %v", i, res, err)
		}
		item, ok := f.item("run-1")
		if !ok || item.Name != s.wantName || item.StallAfterSeconds != s.wantStall {
			t.Fatalf("step %d: name %q stall %d, want %q %d", i, item.Name, item.StallAfterSeconds, s.wantName, s.wantStall)
		}
	}
}
