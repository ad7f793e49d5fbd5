package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

// localPool is a cognito-local (the local stack's emulator, no triggers) with one pool.
type localPool struct {
	endpoint string
	pool     cognito.Pool
	client   *cip.Client
}

// startPool starts cognito-local for the test (failing, never skipping, when it is not
// installed) and creates the pool as the local stack does.
func startPool(t *testing.T) *localPool {
	t.Helper()
	tools, err := deps.Find()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	srv, err := cognito.Start(ctx, slog.New(slog.DiscardHandler), tools, cognito.Config{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Stop)
	pool, err := cognito.CreatePool(ctx, srv.Endpoint, "trainstatus-users", "trainstatus-web")
	if err != nil {
		t.Fatal(err)
	}
	return &localPool{endpoint: srv.Endpoint, pool: pool, client: cognito.NewClient(srv.Endpoint)}
}

// signUp signs a user up and, when confirmed, confirms them as an administrator would; verified
// sets email_verified ("" leaves it unset, as cognito-local's own confirmation does). It returns
// the user's sub.
func (p *localPool) signUp(t *testing.T, email string, confirmed bool, verified string) string {
	t.Helper()
	ctx := context.Background()
	out, err := p.client.SignUp(ctx, &cip.SignUpInput{ClientId: aws.String(p.pool.ClientID), Username: aws.String(email),
		Password: aws.String("Passw0rd!x-long"), UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}}})
	if err != nil {
		t.Fatalf("sign-up of %s: %v", email, err)
	}
	if confirmed {
		if _, err := p.client.AdminConfirmSignUp(ctx, &cip.AdminConfirmSignUpInput{UserPoolId: aws.String(p.pool.ID), Username: aws.String(email)}); err != nil {
			t.Fatalf("confirming %s: %v", email, err)
		}
	}
	if verified != "" {
		// cognito-local wants the email beside email_verified.
		if _, err := p.client.AdminUpdateUserAttributes(ctx, &cip.AdminUpdateUserAttributesInput{UserPoolId: aws.String(p.pool.ID), Username: aws.String(email),
			UserAttributes: []types.AttributeType{{Name: aws.String("email"), Value: aws.String(email)}, {Name: aws.String("email_verified"), Value: aws.String(verified)}}}); err != nil {
			t.Fatalf("setting email_verified of %s: %v", email, err)
		}
	}
	return aws.ToString(out.UserSub)
}

// created is Cognito's creation date of the user.
func (p *localPool) created(t *testing.T, email string) time.Time {
	t.Helper()
	out, err := p.client.AdminGetUser(context.Background(), &cip.AdminGetUserInput{UserPoolId: aws.String(p.pool.ID), Username: aws.String(email)})
	if err != nil || out.UserCreateDate == nil {
		t.Fatalf("AdminGetUser %s: %v", email, err)
	}
	return *out.UserCreateDate
}

// newBackfill is a Backfill over DynamoDB Local with small Scan pages (several per test) and
// nothing to work on yet: each test gives it its pool and tables.
func newBackfill(t *testing.T, dryRun bool) *Backfill {
	return &Backfill{Scanner: ddbtest.Client(t), UserPage: MaxUserPage, JobPage: 2, DryRun: dryRun, MaxSilence: DefaultMaxSilence, Now: time.Now,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
}
