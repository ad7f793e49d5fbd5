package main

import (
	"context"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// The benchmarks compare the handler's whole request (route, claims, query parsing, one call
// through pkg/ddb, the API body with its ETA and stall, JSON, ETag, the log line) with the raw SDK call alone (the same
// request, unmarshalled into the item type), both answered by the in-process stub. make bench
// reports the handler/raw-sdk ratios.

func benchHandler(b *testing.B, h *Handler, stub *ddbtest.Stub, op string, req events.APIGatewayV2HTTPRequest) {
	ctx := context.Background()
	before := stub.Calls(op)
	b.ReportAllocs()
	for b.Loop() {
		if resp, _ := h.Handle(ctx, req); resp.StatusCode != 200 {
			b.Fatalf("%d %s", resp.StatusCode, resp.Body)
		}
	}
	calls := stub.Calls(op) - before
	if calls != int64(b.N) {
		b.Fatalf("%d %s calls for %d requests", calls, op, b.N)
	}
	b.ReportMetric(float64(calls)/float64(b.N), "ddb-calls/op")
}

func BenchmarkGetStatus(b *testing.B) {
	h, stub := stubHandler(b)
	client := stub.Client()
	ctx := context.Background()
	b.Run("raw-sdk", func(b *testing.B) {
		before := stub.Calls("GetItem")
		b.ReportAllocs()
		for b.Loop() {
			key, err := attributevalue.MarshalMap(map[string]string{tables.AttrUserID: alice, tables.AttrRequestID: "job-clean-001"})
			if err != nil {
				b.Fatal(err)
			}
			out, err := client.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(stubTable), Key: key, ConsistentRead: aws.Bool(true)})
			if err != nil || out.Item == nil {
				b.Fatal(err)
			}
			var item tables.StatusItem
			if err := attributevalue.UnmarshalMap(out.Item, &item); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(stub.Calls("GetItem")-before)/float64(b.N), "ddb-calls/op")
	})
	b.Run("handler", func(b *testing.B) {
		benchHandler(b, h, stub, "GetItem", loadRequest(b, "get-status.json"))
	})
}

func BenchmarkListStatus(b *testing.B) {
	h, stub := stubHandler(b)
	client := stub.Client()
	ctx := context.Background()
	b.Run("raw-sdk", func(b *testing.B) {
		before := stub.Calls("Query")
		b.ReportAllocs()
		for b.Loop() {
			expr, err := expression.NewBuilder().
				WithKeyCondition(expression.Key(tables.AttrUserID).Equal(expression.Value(alice))).
				WithFilter(expression.Name(tables.AttrStatus).Equal(expression.Value(job.Success))).
				Build()
			if err != nil {
				b.Fatal(err)
			}
			out, err := client.Query(ctx, &dynamodb.QueryInput{
				TableName: aws.String(stubTable), IndexName: aws.String(tables.IndexByStarted), ConsistentRead: aws.Bool(true),
				KeyConditionExpression: expr.KeyCondition(), FilterExpression: expr.Filter(),
				ExpressionAttributeNames: expr.Names(), ExpressionAttributeValues: expr.Values(),
				ScanIndexForward: aws.Bool(false), Limit: aws.Int32(2),
			})
			if err != nil {
				b.Fatal(err)
			}
			var items []tables.StatusItem
			if err := attributevalue.UnmarshalListOfMaps(out.Items, &items); err != nil || len(items) != 2 {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(stub.Calls("Query")-before)/float64(b.N), "ddb-calls/op")
	})
	b.Run("handler", func(b *testing.B) {
		// The sample with a cursor and a status filter: the handler also verifies the cursor
		// and signs the next one, which the raw call does not do.
		benchHandler(b, h, stub, "Query", loadRequest(b, "list-status-next-page.json"))
	})
}
