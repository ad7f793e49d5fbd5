package main

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Page sizes: ListUsers returns at most 60 users a call; a Scan page is bounded too, so that one
// call reads a bounded number of items (and read units) and the SDK's retries stay small.
const (
	MaxUserPage     = 60
	DefaultJobPage  = 500
	MaxJobPage      = 1000
	DefaultAttempts = 10
	// DefaultMaxSilence bounds how long ago a job may have gone silent to be indexed: its stall
	// alert is still news. A job abandoned weeks before the upgrade would get an alert weeks late
	// from the first sweep; left out of the index, the page still shows it stalled, and its next
	// event (if one ever comes) indexes it.
	DefaultMaxSilence = 24 * time.Hour
)

// Backfill brings the data of an existing deployment up to what this version writes. It is plain
// Go over the clients main wires once: the pool's ListUsers, the tables, and the Scan of the
// status table.
type Backfill struct {
	Pool   cognitoidentityprovider.ListUsersAPIClient
	PoolID string
	Users  *ddb.Table[tables.UserItem]
	// Jobs is the status table; Scanner reads it page by page (Jobs has no Scan: the functions
	// never scan).
	Jobs    *ddb.Table[tables.StatusItem]
	Scanner dynamodb.ScanAPIClient
	// UserPage and JobPage are the page sizes of ListUsers (1..MaxUserPage) and of the Scan
	// (1..MaxJobPage).
	UserPage, JobPage int32
	// DryRun counts what would be written and writes nothing.
	DryRun bool
	// MaxSilence: an open job last heard from (updated_at) longer ago than this is not indexed
	// (counted LongSilent); 0 indexes every open job.
	MaxSilence time.Duration
	// Now is the clock: a user record created here, for a user Cognito gives no creation date,
	// is dated now.
	Now func() time.Time
	// Log gets one line per record written (or, with DryRun, that would be).
	Log *slog.Logger
}

// Run runs both passes, the users then the open jobs, and returns what they did. An item's error
// is counted and the pass goes on; a failed page ends its pass (its error names the table or
// pool). Summary.Err says whether anything failed.
func (b *Backfill) Run(ctx context.Context) Summary {
	var s Summary
	s.DryRun = b.DryRun
	b.RunUsers(ctx, &s)
	b.RunJobs(ctx, &s)
	return s
}
