package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

type fixture struct {
	t     *testing.T
	ddb   *ddbtest.Spy
	table *ddb.Table[tables.UserItem]
	h     *Handler
	logs  *bytes.Buffer
	now   time.Time
}

var firstLogin = time.Date(2026, 11, 24, 9, 30, 0, 123456000, time.UTC)

func newFixture(t *testing.T) *fixture {
	client := ddbtest.NewSpy(ddbtest.Client(t))
	table := ddbtest.NewTableWithClient(t, client, tables.UserSchema)
	f := &fixture{t: t, ddb: client, table: table, logs: &bytes.Buffer{}, now: firstLogin}
	f.h = &Handler{
		Users:  table,
		Log:    slog.New(slog.NewJSONHandler(f.logs, nil)),
		Budget: Budget,
		Now:    func() time.Time { return f.now },
	}
	return f
}

// invoke calls the handler as Lambda would, with the payload bytes, a Lambda context and
// Cognito's 5 s deadline.
func (f *fixture) invoke(payload []byte) (json.RawMessage, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-1"})
	return f.h.Handle(ctx, payload)
}

// handle invokes the handler with the JSON of ev, checks that the event came back unchanged, to
// the byte, and returns the error.
func (f *fixture) handle(ev any) error {
	f.t.Helper()
	payload, err := json.Marshal(ev)
	if err != nil {
		f.t.Fatal(err)
	}
	got, err := f.invoke(payload)
	if !bytes.Equal(got, payload) {
		f.t.Errorf("the event came back changed:\n got %s\nwant %s", got, payload)
	}
	return err
}

// raw reads the user's item as DynamoDB holds it (nil when there is none).
func (f *fixture) raw(userID string) map[string]types.AttributeValue {
	f.t.Helper()
	out, err := ddbtest.Client(f.t).GetItem(context.Background(), &dynamodb.GetItemInput{
		TableName: aws.String(f.table.Name()), ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{tables.AttrUserID: &types.AttributeValueMemberS{Value: userID}},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	return out.Item
}

func (f *fixture) user(userID string) tables.UserItem {
	f.t.Helper()
	u, err := f.table.Get(ddb.Key{Partition: userID}).Consistent().One(context.Background())
	if err != nil {
		f.t.Fatalf("get %s: %v", userID, err)
	}
	return u
}

// loadEvent reads a PostConfirmation sample from events/cognito.
func loadEvent(t testing.TB, name string) events.CognitoEventUserPoolsPostConfirmation {
	return samples.Load[events.CognitoEventUserPoolsPostConfirmation](t, "cognito", name)
}

// loadSignIn reads a PostAuthentication sample from events/cognito.
func loadSignIn(t testing.TB, name string) events.CognitoEventUserPoolsPostAuthentication {
	return samples.Load[events.CognitoEventUserPoolsPostAuthentication](t, "cognito", name)
}

// sampleBytes is a sample of events/cognito as Cognito sends it.
func sampleBytes(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(samples.Dir(), "cognito", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
