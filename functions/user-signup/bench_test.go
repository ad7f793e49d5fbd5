package main

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// BenchmarkSignup: the client-side cost of the handler (read the event, build the item, the
// conditional PutItem through pkg/ddb, the log line) against the raw SDK conditional PutItem
// alone, both answered by an in-process stub. make bench reports the ratio.
func BenchmarkSignup(b *testing.B) {
	stub := ddbtest.NewStub().Respond("PutItem", 200, `{}`)
	client := stub.Client()
	ctx := context.Background()
	ev := loadEvent(b, "signup.json")
	payload := sampleBytes(b, "signup.json")
	b.Run("raw-sdk", func(b *testing.B) {
		before := stub.Calls("PutItem")
		b.ReportAllocs()
		for b.Loop() {
			item, err := attributevalue.MarshalMap(tables.UserItem{
				UserID: ev.Request.UserAttributes["sub"], Email: "jane.doe@example.com",
				Timestamp: job.FormatTime(time.Now()),
			})
			if err != nil {
				b.Fatal(err)
			}
			expr, err := expression.NewBuilder().
				WithCondition(expression.AttributeNotExists(expression.Name(tables.AttrUserID))).Build()
			if err != nil {
				b.Fatal(err)
			}
			if _, err := client.PutItem(ctx, &dynamodb.PutItemInput{
				TableName: aws.String("users"), Item: item,
				ConditionExpression: expr.Condition(), ExpressionAttributeNames: expr.Names(),
				ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
			}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(stub.Calls("PutItem")-before)/float64(b.N), "ddb-calls/op")
	})
	b.Run("handler", func(b *testing.B) {
		h := &Handler{
			Users: ddb.NewTable(client, "users", tables.UserSchema),
			Log:   slog.New(slog.NewJSONHandler(io.Discard, nil)), Budget: Budget, Now: time.Now,
		}
		before := stub.Calls("PutItem")
		b.ReportAllocs()
		for b.Loop() {
			if _, err := h.Handle(ctx, payload); err != nil {
				b.Fatal(err)
			}
		}
		if n := stub.Calls("PutItem") - before; n != int64(b.N) {
			b.Fatalf("%d PutItem calls for %d sign-ups", n, b.N)
		}
		b.ReportMetric(float64(stub.Calls("PutItem")-before)/float64(b.N), "ddb-calls/op")
	})
}
