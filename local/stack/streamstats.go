package stack

import "github.com/trainstatus/trainstatus/local/streams"

// StreamStats returns the counts of status-notifier's event source on the status table's stream
// since Start: records read, records its filter criteria dropped, invocations. They are how the
// end-to-end measurements tell what a job costs in notifier invocations (issue 14). Zero before
// the source has started.
func (s *Stack) StreamStats() streams.Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.notifier == nil {
		return streams.Stats{}
	}
	return s.notifier.Stats()
}
