package main

import (
	"bytes"
	"context"
	"log/slog"
	"os"
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
		Users:  TableStore{Table: table},
		Log:    slog.New(slog.NewJSONHandler(f.logs, nil)),
		Budget: Budget,
		Now:    func() time.Time { return f.now },
	}
	return f
}

// handle invokes the handler as Lambda would, with a Lambda context and Cognito's 5 s deadline.
func (f *fixture) handle(ev events.CognitoEventUserPoolsPostConfirmation) (events.CognitoEventUserPoolsPostConfirmation, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-1"})
	return f.h.Handle(ctx, ev)
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

// loadEvent reads a sample from events/cognito.
func loadEvent(t testing.TB, name string) events.CognitoEventUserPoolsPostConfirmation {
	return samples.Load[events.CognitoEventUserPoolsPostConfirmation](t, "cognito", name)
}
