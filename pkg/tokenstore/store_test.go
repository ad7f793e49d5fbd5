package tokenstore_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

const (
	alice = "3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"
	bob   = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

var t0 = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

type fixture struct {
	store *tokenstore.Store
	spy   *ddbtest.Spy
	now   time.Time
}

func newFixture(t *testing.T, users ...string) *fixture {
	f := &fixture{spy: ddbtest.NewSpy(ddbtest.Client(t)), now: t0}
	f.store = tokenstore.New(ddbtest.NewTableWithClient(t, f.spy, tables.TokenSchema), ddbtest.NewTableWithClient(t, f.spy, tables.UserSchema))
	f.store.Now = func() time.Time { return f.now }
	for _, u := range users {
		if err := f.store.Users.Create(tables.UserItem{UserID: u, Timestamp: job.FormatTime(t0)}).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	f.spy.Reset()
	return f
}

func (f *fixture) count(t *testing.T, user string) int64 {
	t.Helper()
	u, err := f.store.Users.Get(ddb.Key{Partition: user}).Consistent().One(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return u.TokenCount
}

func TestCreateLookupListRevoke(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, alice, bob)
	item, secret, err := f.store.Create(ctx, alice, "lab-gpu-3")
	if err != nil {
		t.Fatal(err)
	}
	if calls := f.spy.Calls(); calls != 1 || f.spy.Calls("TransactWriteItems") != 1 {
		t.Errorf("create made %d calls, want one transaction", calls)
	}
	want := tables.TokenItem{TokenID: secret.ID(), Hash: secret.Hash(), UserID: alice, Name: "lab-gpu-3",
		Prefix: secret.DisplayPrefix(), CreatedAt: job.FormatTime(t0)}
	if item != want {
		t.Errorf("item %+v, want %+v", item, want)
	}
	stored, err := f.store.Tokens.Get(tables.TokenKey(item.TokenID)).Consistent().One(ctx)
	if err != nil || stored != want {
		t.Errorf("stored %+v, %v", stored, err)
	}
	for _, v := range []string{stored.TokenID, stored.Hash, stored.Name, stored.Prefix, stored.CreatedAt} {
		if strings.Contains(v, secret.Reveal()[len(token.Prefix)+4:]) {
			t.Errorf("the secret is stored: %q", v)
		}
	}
	if f.count(t, alice) != 1 {
		t.Errorf("count %d", f.count(t, alice))
	}

	f.spy.Reset()
	got, err := f.store.Lookup(ctx, secret)
	if err != nil || got != want || f.spy.Calls() != 1 || f.spy.Calls("GetItem") != 1 {
		t.Errorf("lookup %+v, %v, %d calls", got, err, f.spy.Calls())
	}
	// A secret with the same id but another hash cannot exist by chance; an item whose stored
	// hash differs from the secret's is refused all the same.
	forged := stored
	forged.Hash = strings.Repeat("0", 64)
	if err := f.store.Tokens.Put(forged).Run(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Lookup(ctx, secret); !errors.Is(err, tokenstore.ErrNotFound) {
		t.Errorf("hash mismatch: %v", err)
	}
	if err := f.store.Tokens.Put(stored).Run(ctx); err != nil {
		t.Fatal(err)
	}
	unknown, _ := token.Generate()
	if _, err := f.store.Lookup(ctx, unknown); !errors.Is(err, tokenstore.ErrNotFound) {
		t.Errorf("unknown: %v", err)
	}

	f.now = t0.Add(time.Minute)
	second, _, err := f.store.Create(ctx, alice, "notebook")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.Create(ctx, bob, "bob's"); err != nil {
		t.Fatal(err)
	}
	f.spy.Reset()
	list, err := f.store.List(ctx, alice)
	if err != nil || len(list) != 2 || list[0].TokenID != second.TokenID || list[1].TokenID != item.TokenID {
		t.Errorf("list %+v, %v", list, err)
	}
	if f.spy.Calls() != 1 || f.spy.Calls("Query") != 1 {
		t.Errorf("list made %d calls", f.spy.Calls())
	}

	// Revoke: another user's token and a missing one are the same ErrNotFound, and change nothing.
	for _, tc := range []struct {
		name, user, id string
		want           error
	}{
		{"another user's", bob, item.TokenID, tokenstore.ErrNotFound},
		{"missing", alice, "0123456789abcdef", tokenstore.ErrNotFound},
		{"malformed", alice, "../x", tokenstore.ErrNotFound},
		{"own", alice, item.TokenID, nil},
		{"again", alice, item.TokenID, tokenstore.ErrNotFound},
	} {
		if err := f.store.Revoke(ctx, tc.user, tc.id); !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := f.store.Lookup(ctx, secret); !errors.Is(err, tokenstore.ErrNotFound) {
		t.Errorf("revoked token found: %v", err)
	}
	if f.count(t, alice) != 1 || f.count(t, bob) != 1 {
		t.Errorf("counts %d, %d; want 1, 1", f.count(t, alice), f.count(t, bob))
	}
}

func TestCreateRefusals(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, alice)
	const carol = "0c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5"
	for _, tc := range []struct {
		name, user, token string
		want              error
	}{
		{"empty name", alice, "", token.ErrInvalidName},
		{"long name", alice, strings.Repeat("n", 65), token.ErrInvalidName},
		{"control", alice, "a\nb", token.ErrInvalidName},
		{"no user record", carol, "x", tokenstore.ErrNoUser},
	} {
		if _, _, err := f.store.Create(ctx, tc.user, tc.token); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
	if _, err := f.store.Users.Get(ddb.Key{Partition: carol}).Consistent().One(ctx); !errors.Is(err, ddb.ErrNotFound) {
		t.Errorf("a user record was made for carol: %v", err)
	}
}

// TestLimitUnderConcurrency: 24 creations at once for one user make exactly MaxPerUser tokens;
// the others are ErrTooMany. A revocation frees a slot.
func TestLimitUnderConcurrency(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, alice)
	const tries = token.MaxPerUser + 4
	errs := make([]error, tries)
	var wg sync.WaitGroup
	for i := range tries {
		wg.Go(func() {
			for range 20 { // a conflict the store's own retries did not resolve is retried, as a client would
				if _, _, errs[i] = f.store.Create(ctx, alice, "t"); !ddb.IsRetryable(errs[i]) {
					return
				}
			}
		})
	}
	wg.Wait()
	var ok, tooMany int
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, tokenstore.ErrTooMany):
			tooMany++
		default:
			t.Errorf("create: %v", err)
		}
	}
	list, err := f.store.List(ctx, alice)
	if ok != token.MaxPerUser || tooMany != tries-token.MaxPerUser || err != nil || f.count(t, alice) != token.MaxPerUser {
		t.Errorf("%d created, %d too many, count %d, %v", ok, tooMany, f.count(t, alice), err)
	}
	if len(list) > token.MaxPerUser {
		t.Errorf("%d tokens listed", len(list))
	}
	if err := f.store.Revoke(ctx, alice, list[0].TokenID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.Create(ctx, alice, "again"); err != nil {
		t.Errorf("after a revocation: %v", err)
	}
	if _, _, err := f.store.Create(ctx, alice, "again"); !errors.Is(err, tokenstore.ErrTooMany) {
		t.Errorf("21st: %v", err)
	}
}

func TestTouch(t *testing.T) {
	ctx := context.Background()
	f := newFixture(t, alice)
	item, secret, err := f.store.Create(ctx, alice, "t")
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() string {
		got, err := f.store.Lookup(ctx, secret)
		if err != nil {
			t.Fatal(err)
		}
		return got.LastUsedAt
	}
	steps := []struct {
		at   time.Duration
		want time.Duration
	}{
		{0, 0},                // never used: written
		{30 * time.Minute, 0}, // within the hour: kept
		{time.Hour, 0},        // exactly an hour: kept
		{time.Hour + time.Second, time.Hour + time.Second}, // older: written
	}
	for _, s := range steps {
		if err := f.store.Touch(ctx, item.TokenID, t0.Add(s.at)); err != nil {
			t.Fatal(err)
		}
		if got := lastUsed(); got != job.FormatTime(t0.Add(s.want)) {
			t.Errorf("after a use at +%v: last used %s, want +%v", s.at, got, s.want)
		}
	}
	if !tokenstore.NeedsTouch("", t0) || tokenstore.NeedsTouch(job.FormatTime(t0), t0.Add(time.Hour)) || !tokenstore.NeedsTouch(job.FormatTime(t0), t0.Add(time.Hour+time.Microsecond)) {
		t.Error("NeedsTouch")
	}
	if err := f.store.Revoke(ctx, alice, item.TokenID); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Touch(ctx, item.TokenID, t0.Add(3*time.Hour)); err != nil {
		t.Errorf("touching a revoked token: %v", err)
	}
	if _, err := f.store.Tokens.Get(tables.TokenKey(item.TokenID)).Consistent().One(ctx); !errors.Is(err, ddb.ErrNotFound) {
		t.Errorf("touch recreated a revoked token: %v", err)
	}
}
