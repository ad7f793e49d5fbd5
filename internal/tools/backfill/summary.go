package main

import (
	"errors"
	"fmt"
	"io"
)

// ErrFailed: some user or job could not be brought up to date (each is in Summary.Errors, named
// by its key). A rerun tries them again and leaves the others as they are.
var ErrFailed = errors.New("backfill: not everything was brought up to date")

// ErrNoSub: a Cognito user without a "sub" attribute, so there is no record key for it.
var ErrNoSub = errors.New("the Cognito user has no \"sub\" attribute")

// UserCounts is what the users pass did. Scanned = Unconfirmed + Updated + Unchanged +
// ChangedMeanwhile + the users that failed.
type UserCounts struct {
	// Scanned: users listed in the pool.
	Scanned int
	// Unconfirmed: users who never confirmed their sign-up; user-signup records no one before
	// their confirmation, nor does the backfill.
	Unconfirmed int
	// Updated: records created or brought up to date (with DryRun: that would be).
	Updated int
	// Unchanged: records that already said what Cognito says.
	Unchanged int
	// ChangedMeanwhile: records user-signup wrote between the read and the write (the user
	// signed in): its write is as new as the listing or newer, so it is kept.
	ChangedMeanwhile int
}

// JobCounts is what the open-jobs pass did.
type JobCounts struct {
	// Scanned: items the Scan read (DynamoDB's ScannedCount).
	Scanned int
	// Unindexed: jobs found not final and without open_shard.
	Unindexed int
	// LongSilent: of those, jobs silent for longer than MaxSilence, left out of the index.
	LongSilent int
	// Indexed: jobs given their open_shard (with DryRun: that would be).
	Indexed int
	// EndedMeanwhile: jobs that turned final (or expired) between the Scan and the write: the
	// final event wins and the job stays out of the index.
	EndedMeanwhile int
	// IndexedMeanwhile: jobs an event indexed between the Scan and the write (the tracker sets
	// open_shard with each event that is not final).
	IndexedMeanwhile int
}

// Summary is what a run did.
type Summary struct {
	DryRun bool
	Users  UserCounts
	Jobs   JobCounts
	// Errors are the failures, each naming its user or job (ItemError) or the page that failed.
	Errors []error
}

// ItemError is the failure of one user or job, named by its key.
type ItemError struct {
	Kind string // "user" or "job"
	Key  string // the user's sub (or Cognito user name), or the job's user_id/request_id
	Err  error
}

func (e *ItemError) Error() string { return fmt.Sprintf("%s %s: %v", e.Kind, e.Key, e.Err) }
func (e *ItemError) Unwrap() error { return e.Err }

// Err is nil when nothing failed, else ErrFailed joined with every failure.
func (s *Summary) Err() error {
	if len(s.Errors) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrFailed, errors.Join(s.Errors...))
}

func (s *Summary) fail(err error) { s.Errors = append(s.Errors, err) }

// Print writes the summary for the operator: the counts, then each error on its own line.
func (s *Summary) Print(w io.Writer) {
	verb := "updated"
	indexed := "indexed"
	if s.DryRun {
		verb, indexed = "to update", "to index"
		fmt.Fprintln(w, "dry run: nothing was written")
	}
	u, j := s.Users, s.Jobs
	fmt.Fprintf(w, "users: %d scanned, %d %s, %d unchanged, %d changed meanwhile (signed in), %d unconfirmed (skipped)\n",
		u.Scanned, u.Updated, verb, u.Unchanged, u.ChangedMeanwhile, u.Unconfirmed)
	fmt.Fprintf(w, "jobs: %d scanned, %d open without open_shard, %d silent too long (left out), %d %s, %d ended meanwhile, %d indexed meanwhile (by an event)\n",
		j.Scanned, j.Unindexed, j.LongSilent, j.Indexed, indexed, j.EndedMeanwhile, j.IndexedMeanwhile)
	fmt.Fprintf(w, "errors: %d\n", len(s.Errors))
	for _, err := range s.Errors {
		fmt.Fprintf(w, "error: %v\n", err)
	}
}
