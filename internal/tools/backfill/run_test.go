package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// TestRunLocal runs the command as `make backfill-local` does, on a local stack's state file
// naming cognito-local and DynamoDB Local: its summary, and its exit code.
func TestRunLocal(t *testing.T) {
	ctx := context.Background()
	p := startPool(t)
	userTable := ddbtest.NewTable(t, tables.UserSchema)
	statusTable := ddbtest.NewTable(t, tables.StatusSchema)
	sub := p.signUp(t, "ivy@example.com", true, "true")
	if err := userTable.Put(tables.UserItem{UserID: sub, Email: "ivy@example.com", Timestamp: signedUpBefore}).Run(ctx); err != nil {
		t.Fatal(err)
	}
	ev := trainevent.Event{UserID: sub, RequestID: "silent", Status: job.InProgress, EventTime: time.Now().Add(-time.Hour).UTC().Truncate(time.Microsecond)}
	if _, err := tracker.New(statusTable, 0).Apply(ctx, ev); err != nil {
		t.Fatal(err)
	}
	if err := statusTable.Update(tables.StatusKey(sub, "silent")).Remove(tables.AttrOpenShard).Run(ctx); err != nil {
		t.Fatal(err)
	}
	state := filepath.Join(t.TempDir(), "state.json")
	if err := stack.WriteState(state, stack.State{CognitoEndpoint: p.endpoint, DynamoDBEndpoint: ddbtest.Endpoint(t),
		UserPoolID: p.pool.ID, StatusTable: statusTable.Name(), UserTable: userTable.Name()}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		code int
		want []string
	}{
		{"dry run", []string{"-local", state, "-dry-run"}, 0, []string{"dry run: nothing was written",
			"users: 1 scanned, 1 to update, 0 unchanged", "jobs: 1 scanned, 1 open without open_shard, 0 silent too long (left out), 1 to index, 0 ended meanwhile", "errors: 0"}},
		{"run", []string{"-local", state}, 0, []string{"users: 1 scanned, 1 updated, 0 unchanged",
			"jobs: 1 scanned, 1 open without open_shard, 0 silent too long (left out), 1 indexed, 0 ended meanwhile", "errors: 0"}},
		{"rerun", []string{"-local", state}, 0, []string{"users: 1 scanned, 0 updated, 1 unchanged",
			"jobs: 1 scanned, 0 open without open_shard, 0 silent too long (left out), 0 indexed", "errors: 0"}},
		{"missing tables: each failure named", []string{"-local", state, "-user-table", "no-such-users", "-status-table", "no-such-status"}, 1,
			[]string{"users: 1 scanned, 0 updated", "errors: 2", "error: user " + sub + ": ", "error: scan no-such-status"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(ctx, tc.args, &out, &errOut)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stdout:\n%s\nstderr:\n%s", code, tc.code, out.String(), errOut.String())
			}
			for _, w := range tc.want {
				if !strings.Contains(out.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, out.String())
				}
			}
		})
	}
	got, err := userTable.Get(ddb.Key{Partition: sub}).Consistent().One(ctx)
	if err != nil || !got.EmailVerified {
		t.Errorf("user record %+v (%v), want email_verified", got, err)
	}
}

// TestRunRefusesBadFlags: exit 2 and a message, before any call.
func TestRunRefusesBadFlags(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{nil, "give -outputs (the deployed stack), -local (the local stack) or all of"},
		{[]string{"-outputs", "a.json", "-local", "b.json"}, "not both"},
		{[]string{"-user-pool", "p", "-status-table", "s"}, "all of -user-pool, -status-table and -user-table"},
		{[]string{"-user-pool", "p", "-status-table", "s", "-user-table", "u", "-job-page", "0"}, "-job-page must be 1 to 1000"},
		{[]string{"-user-pool", "p", "-status-table", "s", "-user-table", "u", "-user-page", "61"}, "-user-page must be 1 to 60"},
		{[]string{"-user-pool", "p", "-status-table", "s", "-user-table", "u", "-max-attempts", "0"}, "-max-attempts must be 1 to 50"},
		{[]string{"-local", filepath.Join(t.TempDir(), "none.json")}, "is the local stack up? make up"},
		{[]string{"-outputs", "x.json", "extra"}, `unexpected argument "extra"`},
	} {
		var out, errOut bytes.Buffer
		if code := run(context.Background(), tc.args, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("%q: exit %d, stderr %q; want 2 and %q", tc.args, code, errOut.String(), tc.want)
		}
	}
}

// TestFromOutputs reads the tables and pool from the file `make deploy` writes.
func TestFromOutputs(t *testing.T) {
	dev := `"trainstatus-dev-stateful": {"UserPoolId": "eu-west-1_dev", "StatusTableName": "trainstatus-dev-status",
		"UserTableName": "trainstatus-dev-users", "EventsQueueUrl": "https://sqs/q"},
		"trainstatus-dev-stateless": {"ApiUrl": "https://api", "PageUrl": "https://page"}`
	prod := `"trainstatus-prod-stateful": {"UserPoolId": "eu-west-1_prod", "StatusTableName": "trainstatus-prod-status",
		"UserTableName": "trainstatus-prod-users"}`
	devTarget := Target{PoolID: "eu-west-1_dev", StatusTable: "trainstatus-dev-status", UserTable: "trainstatus-dev-users"}
	for _, tc := range []struct {
		name, file, stack string
		want              Target
		err               string
	}{
		{"one stage", "{" + dev + "}", "", devTarget, ""},
		{"two stages, one chosen", "{" + dev + "," + prod + "}", "trainstatus-dev-stateful", devTarget, ""},
		{"two stages", "{" + dev + "," + prod + "}", "", Target{}, "several stacks"},
		{"no such stack", "{" + dev + "}", "trainstatus-qa-stateful", Target{}, "has no stack trainstatus-qa-stateful"},
		{"only the stateless stack", `{"trainstatus-dev-stateless": {"ApiUrl": "https://api"}}`, "", Target{}, "no stack in"},
		{"not JSON", "{", "", Target{}, "unexpected end"},
	} {
		path := filepath.Join(t.TempDir(), "outputs.json")
		if err := os.WriteFile(path, []byte(tc.file), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := fromOutputs(path, tc.stack)
		switch {
		case tc.err == "" && (err != nil || got != tc.want):
			t.Errorf("%s: %+v, %v; want %+v", tc.name, got, err, tc.want)
		case tc.err != "" && (!errors.Is(err, ErrTarget) || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%s: error %v, want ErrTarget with %q", tc.name, err, tc.err)
		}
	}
}
