package deploy

import (
	"fmt"
	"time"
)

// ParseStallWindow reads STALL_WINDOW (StallWindowVar): a Go duration of at least a second (the
// API shows it in whole seconds), the variable's default when empty. status-query (the "stalled"
// flag) and stall-sweep (the alert) read it with this one rule.
func ParseStallWindow(s string) (time.Duration, error) {
	if s == "" {
		s = StallWindowVar.Default
	}
	d, err := time.ParseDuration(s)
	if err != nil || d < time.Second {
		return 0, fmt.Errorf("%s=%q: want a duration of at least 1s, such as %s", StallWindowVar.Name, s, StallWindowVar.Default)
	}
	return d, nil
}
