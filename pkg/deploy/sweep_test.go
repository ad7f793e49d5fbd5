package deploy

import (
	"testing"

	"github.com/trainstatus/trainstatus/pkg/tables"
)

// TestStallSweepDescription: the stall filter reads the table's attribute, the sweep is scheduled
// at a period inside the alert bound (window + 2 min) and finishes before the next run starts.
func TestStallSweepDescription(t *testing.T) {
	if stallAlertedAttribute != tables.AttrStallAlertedFor {
		t.Errorf("the stall filter reads %q; the status table's attribute is %q", stallAlertedAttribute, tables.AttrStallAlertedFor)
	}
	for _, s := range Schedules {
		f, ok := FunctionByName(s.Function)
		if !ok {
			t.Fatalf("schedule for unknown function %s", s.Function)
		}
		if s.Every <= 0 || f.Timeout >= s.Every {
			t.Errorf("%s: every %v with a timeout of %v; want a period longer than the timeout", s.Function, s.Every, f.Timeout)
		}
	}
	if StallSweepSchedule.Every > 60e9 {
		t.Errorf("the sweep runs every %v: alerts would come later than window + 2 min", StallSweepSchedule.Every)
	}
}
