package job

import "time"

// Report is one progress report of a job: when, and how far (0-100).
type Report struct {
	At       time.Time
	Progress float64
}

// maxETA bounds an estimate: a job that would take longer than this at its current rate has no
// useful ETA (it has barely moved), so none is given.
const maxETA = 365 * 24 * time.Hour

// EstimateFinish extrapolates the rate between the first and the last progress report to 100%.
// There is an estimate only when the job has reported progress at two different times and moved
// forward between them, and the result is less than a year away from the last report.
func EstimateFinish(first, last Report) (time.Time, bool) {
	elapsed := last.At.Sub(first.At)
	moved := last.Progress - first.Progress
	if elapsed <= 0 || moved <= 0 || last.Progress >= 100 {
		return time.Time{}, false
	}
	remaining := time.Duration(float64(elapsed) * (100 - last.Progress) / moved)
	if remaining < 0 || remaining > maxETA {
		return time.Time{}, false
	}
	return last.At.Add(remaining), true
}

// DefaultStallWindow is how long a job that is not final may stay silent before it is shown as
// stalled.
const DefaultStallWindow = 15 * time.Minute

// Stalled reports whether a job in state s, last heard from at lastHeard, has been silent for
// longer than window at now. A final job never stalls.
func Stalled(s Status, lastHeard, now time.Time, window time.Duration) bool {
	return !s.Final() && now.Sub(lastHeard) > window
}
