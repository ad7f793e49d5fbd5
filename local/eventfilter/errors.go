package eventfilter

import "errors"

// ErrInvalidPattern is wrapped by every error Compile returns for a pattern Lambda would refuse.
var ErrInvalidPattern = errors.New("eventfilter: invalid filter pattern")

// MaxFilters is Lambda's default quota of filters per event source mapping.
const MaxFilters = 5

// MaxPatternLength is the longest pattern string Lambda accepts (FilterCriteria.Filters[].Pattern).
const MaxPatternLength = 4096
