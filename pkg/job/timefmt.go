package job

import "time"

// TimeLayout is how every time of a job is written, stored and sent: UTC, fixed width,
// microseconds, so that times sort as text and compare correctly in key conditions and condition
// expressions.
const TimeLayout = "2006-01-02T15:04:05.000000Z"

// FormatTime formats t in TimeLayout (converted to UTC, truncated to the microsecond).
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

// ParseTime parses a time written by FormatTime.
func ParseTime(s string) (time.Time, error) { return time.Parse(TimeLayout, s) }
