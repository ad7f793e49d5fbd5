// Package job is the vocabulary of a training job, at the bottom of the import graph: its states
// and how they are spelled, which transitions are allowed, which states are final, and how times
// are written. It knows nothing of AWS: the event format (pkg/trainevent), the status table
// (pkg/tables), the HTTP API's body (pkg/statusapi), the CLI and the page all speak it, and none of
// them re-declares it.
//
// The state rules in full (ordering, duplicates, late events) are in the README's "How a status
// stays right"; this package holds the words and the transition table those rules are built on.
package job
