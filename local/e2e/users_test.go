package e2e

import (
	"context"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// user is a signed-up, confirmed and logged-in user.
type user struct {
	Email string
	Sub   string // the Cognito user id: the ID token's sub, the user table's key, events' user_id
	Token string // the ID token
}

// signUp signs a user up through Cognito, confirms it (which runs the PostConfirmation trigger)
// and logs it in.
func signUp(t testing.TB, s stack.State, email string) user {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	pool := cognito.Pool{ID: s.UserPoolID, ClientID: s.ClientID, Issuer: s.Issuer, JWKSURL: s.JWKSURL}
	u, err := cognito.SignUp(ctx, s.CognitoEndpoint, s.CognitoDir, pool, email, stack.DefaultPassword)
	if err != nil {
		t.Fatalf("sign-up: %v", err)
	}
	return user{Email: email, Sub: u.Sub, Token: u.IDToken}
}

// userRecord reads a user's record from the user table.
func userRecord(t testing.TB, s stack.State, sub string) (tables.UserItem, error) {
	t.Helper()
	table := ddb.NewTable(ddbtest.NewClient(s.DynamoDBEndpoint), s.UserTable, tables.UserSchema)
	return table.Get(ddb.Key{Partition: sub}).Consistent().One(context.Background())
}

// testSignInRepair signs dave up while every write of his user record fails (PostConfirmation, and
// the PostAuthentication of the sign-in that follows), so Cognito confirms him with no record; once
// DynamoDB answers again, his next sign-in creates the record (issue 12.5), and a later one keeps it.
func testSignInRepair(t *testing.T, s stack.State, proxy *faultProxy) {
	const email = "dave@example.com"
	proxy.FailUserWritesContaining(email)
	dave := signUp(t, s, email)
	proxy.AllowUserWrites()
	if n := proxy.userWritesFailed.Load(); n == 0 {
		t.Fatal("no write of the user record was refused: the fault did not apply")
	}
	if _, err := userRecord(t, s, dave.Sub); !errors.Is(err, ddb.ErrNotFound) {
		t.Fatalf("dave's record after the failed confirmation: %v, want none", err)
	}
	pool := cognito.Pool{ID: s.UserPoolID, ClientID: s.ClientID, Issuer: s.Issuer, JWKSURL: s.JWKSURL}
	var first tables.UserItem
	for i := range 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		_, err := cognito.LogIn(ctx, s.CognitoEndpoint, pool, email, stack.DefaultPassword)
		cancel()
		if err != nil {
			t.Fatal(err)
		}
		rec, err := userRecord(t, s, dave.Sub)
		if err != nil || rec.Email != email {
			t.Fatalf("after sign-in %d: %+v, %v; want dave's record", i+1, rec, err)
		}
		if i == 0 {
			first = rec
		} else if !reflect.DeepEqual(rec, first) {
			t.Errorf("the second sign-in changed the record: %+v -> %+v", first, rec)
		}
	}
}
