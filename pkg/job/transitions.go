package job

// allowedFrom lists the states from which a newer event may move a job to each state. STARTED
// appears nowhere: it can only begin a job.
var allowedFrom = map[Status][]Status{
	Started:    nil,
	InProgress: {Started, InProgress},
	Success:    {Started, InProgress},
	Failed:     {Started, InProgress},
}

// AllowedFrom returns the states from which a newer event may move a job to s (none for STARTED,
// which only begins a job). The caller must not modify the result.
func AllowedFrom(s Status) []Status { return allowedFrom[s] }

// CanMove reports whether a newer event may move a job from one state to another.
func CanMove(from, to Status) bool {
	for _, s := range allowedFrom[to] {
		if s == from {
			return true
		}
	}
	return false
}
