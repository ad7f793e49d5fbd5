package main

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/users"
)

// signedUpBefore is when the old records were written, by a version without email_verified.
const signedUpBefore = "2026-03-01T08:00:00.000000Z"

// TestUsers runs the users pass over users of a real pool (cognito-local) whose records an older
// version wrote: a dry run, a run, and a second run, asserting the records after each.
func TestUsers(t *testing.T) {
	p := startPool(t)
	table := ddbtest.NewTable(t, tables.UserSchema)
	ctx := context.Background()
	off := false
	cases := []struct {
		name      string
		email     string
		confirmed bool
		verified  string           // Cognito's email_verified ("" unset)
		old       *tables.UserItem // the record an older version wrote (UserID filled in), nil for none
		want      *tables.UserItem // after the run (UserID filled in; a zero Timestamp: Cognito's creation date)
		updated   bool
	}{
		{name: "verified, old record without email_verified", email: "ada@example.com", confirmed: true, verified: "true",
			old:     &tables.UserItem{Email: "ada@example.com", Timestamp: signedUpBefore, EmailNotifications: &off},
			want:    &tables.UserItem{Email: "ada@example.com", EmailVerified: true, Timestamp: signedUpBefore, EmailNotifications: &off},
			updated: true},
		{name: "not verified, old record's email in capitals", email: "Bob@Example.com", confirmed: true, verified: "false",
			old:     &tables.UserItem{Email: "Bob@Example.com", Timestamp: signedUpBefore},
			want:    &tables.UserItem{Email: "bob@example.com", Timestamp: signedUpBefore},
			updated: true},
		{name: "verified, email in capitals, preferences kept", email: "Cleo@Example.COM", confirmed: true, verified: "true",
			old: &tables.UserItem{Email: "Cleo@Example.COM", Timestamp: signedUpBefore, SlackURL: "https://hooks.slack.com/services/T/B/x",
				AlertRoutes: map[string][]string{"failed": {"slack"}}},
			want: &tables.UserItem{Email: "cleo@example.com", EmailVerified: true, Timestamp: signedUpBefore,
				SlackURL: "https://hooks.slack.com/services/T/B/x", AlertRoutes: map[string][]string{"failed": {"slack"}}},
			updated: true},
		{name: "already up to date", email: "dan@example.com", confirmed: true, verified: "true",
			old:  &tables.UserItem{Email: "dan@example.com", EmailVerified: true, Timestamp: signedUpBefore},
			want: &tables.UserItem{Email: "dan@example.com", EmailVerified: true, Timestamp: signedUpBefore}},
		{name: "up to date, Cognito never set email_verified", email: "eve@example.com", confirmed: true,
			old:  &tables.UserItem{Email: "eve@example.com", Timestamp: signedUpBefore},
			want: &tables.UserItem{Email: "eve@example.com", Timestamp: signedUpBefore}},
		{name: "no record (its confirmation write was lost)", email: "fay@example.com", confirmed: true, verified: "true",
			want: &tables.UserItem{Email: "fay@example.com", EmailVerified: true}, updated: true},
		{name: "never confirmed: no record", email: "gus@example.com"},
	}
	subs := make([]string, len(cases))
	for i, tc := range cases {
		subs[i] = p.signUp(t, tc.email, tc.confirmed, tc.verified)
		if tc.old != nil {
			old := *tc.old
			old.UserID = subs[i]
			if err := table.Put(old).Run(ctx); err != nil {
				t.Fatal(err)
			}
		}
	}
	// check asserts every record: as before the run (old), or as the run leaves it (want).
	check := func(t *testing.T, after bool) {
		t.Helper()
		for i, tc := range cases {
			want := tc.old
			if after {
				want = tc.want
			}
			got, err := table.Get(ddb.Key{Partition: subs[i]}).Consistent().One(ctx)
			switch {
			case want == nil && err == nil:
				t.Errorf("%s: unexpected record %+v", tc.name, got)
			case want == nil && errors.Is(err, ddb.ErrNotFound):
			case err != nil:
				t.Errorf("%s: %v", tc.name, err)
			default:
				w := *want
				w.UserID = subs[i]
				if w.Timestamp == "" {
					w.Timestamp = job.FormatTime(p.created(t, tc.email))
				}
				if !reflect.DeepEqual(got, w) {
					t.Errorf("%s:\n got %+v\nwant %+v", tc.name, got, w)
				}
			}
		}
	}
	var updated, unchanged, unconfirmed int
	for _, tc := range cases {
		switch {
		case !tc.confirmed:
			unconfirmed++
		case tc.updated:
			updated++
		default:
			unchanged++
		}
	}
	for _, run := range []struct {
		name   string
		dryRun bool
		want   UserCounts
		after  bool
	}{
		{"dry run: counts, writes nothing", true, UserCounts{Scanned: len(cases), Updated: updated, Unchanged: unchanged, Unconfirmed: unconfirmed}, false},
		{"run", false, UserCounts{Scanned: len(cases), Updated: updated, Unchanged: unchanged, Unconfirmed: unconfirmed}, true},
		{"second run changes nothing", false, UserCounts{Scanned: len(cases), Unchanged: updated + unchanged, Unconfirmed: unconfirmed}, true},
	} {
		t.Run(run.name, func(t *testing.T) {
			b := newBackfill(t, run.dryRun)
			b.Pool, b.PoolID, b.Users = p.client, p.pool.ID, table
			var s Summary
			b.RunUsers(ctx, &s)
			if s.Users != run.want || len(s.Errors) > 0 {
				t.Errorf("counts %+v, errors %v; want %+v and none", s.Users, s.Errors, run.want)
			}
			check(t, run.after)
		})
	}
}

// TestUserSignedInMeanwhile: a sign-in writes the record between the backfill's read and its
// write (the wrapper runs user-signup's write first); the sign-in's write is kept.
func TestUserSignedInMeanwhile(t *testing.T) {
	p := startPool(t)
	spy := ddbtest.NewSpy(ddbtest.Client(t))
	table := ddbtest.NewTableWithClient(t, spy, tables.UserSchema)
	plain := ddb.NewTable(ddbtest.Client(t), table.Name(), tables.UserSchema)
	ctx := context.Background()
	sub := p.signUp(t, "hal@example.com", true, "true")
	if err := table.Put(tables.UserItem{UserID: sub, Email: "hal@example.com", Timestamp: signedUpBefore}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	// Between the backfill's read and its write, the user changes address and signs in:
	// user-signup records the new, unverified one.
	signIn := users.Profile{Sub: sub, Email: "hal@new.example.com"}
	spy.SetFault(func(ctx context.Context, op string, _ any) error {
		if op == "UpdateItem" {
			spy.SetFault(nil)
			return users.Write(plain, signIn, time.Now()).Run(ctx)
		}
		return nil
	})
	b := newBackfill(t, false)
	b.Pool, b.PoolID, b.Users = p.client, p.pool.ID, table
	var s Summary
	b.RunUsers(ctx, &s)
	if want := (UserCounts{Scanned: 1, ChangedMeanwhile: 1}); s.Users != want || len(s.Errors) > 0 {
		t.Errorf("counts %+v, errors %v; want %+v and none", s.Users, s.Errors, want)
	}
	got, err := table.Get(ddb.Key{Partition: sub}).Consistent().One(ctx)
	if want := (tables.UserItem{UserID: sub, Email: "hal@new.example.com", Timestamp: signedUpBefore}); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("record %+v (%v), want the sign-in's %+v", got, err, want)
	}
}
