package ddb_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestCreateIfMissingIsIdempotentWithGSIAndTTL(t *testing.T) {
	client := ddbtest.Client(t)
	name := ddbtest.TableName(t)
	tbl := ddb.NewTable(client, name, widgets, ddb.WithWaitPoll(20*time.Millisecond))
	t.Cleanup(func() { client.DeleteTable(ctx(t), &dynamodb.DeleteTableInput{TableName: aws.String(name)}) })
	for range 2 {
		if err := tbl.CreateIfMissing(ctx(t)); err != nil {
			t.Fatalf("CreateIfMissing: %v", err)
		}
	}
	out, err := client.DescribeTable(ctx(t), &dynamodb.DescribeTableInput{TableName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	td := out.Table
	if td.TableStatus != types.TableStatusActive || td.BillingModeSummary == nil ||
		td.BillingModeSummary.BillingMode != types.BillingModePayPerRequest {
		t.Errorf("table status %s, billing %+v", td.TableStatus, td.BillingModeSummary)
	}
	if len(td.KeySchema) != 2 || aws.ToString(td.KeySchema[0].AttributeName) != "owner" || aws.ToString(td.KeySchema[1].AttributeName) != "serial" {
		t.Errorf("key schema %+v", td.KeySchema)
	}
	if len(td.GlobalSecondaryIndexes) != 1 || aws.ToString(td.GlobalSecondaryIndexes[0].IndexName) != "by_color" ||
		td.GlobalSecondaryIndexes[0].Projection.ProjectionType != types.ProjectionTypeAll {
		t.Errorf("GSIs %+v", td.GlobalSecondaryIndexes)
	}
	types_ := map[string]types.ScalarAttributeType{}
	for _, a := range td.AttributeDefinitions {
		types_[aws.ToString(a.AttributeName)] = a.AttributeType
	}
	want := map[string]types.ScalarAttributeType{"owner": "S", "serial": "N", "color": "S", "made": "S"}
	for k, v := range want {
		if types_[k] != v {
			t.Errorf("attribute %s has type %q, want %q", k, types_[k], v)
		}
	}
	ttl, err := client.DescribeTimeToLive(ctx(t), &dynamodb.DescribeTimeToLiveInput{TableName: aws.String(name)})
	if err != nil || ttl.TimeToLiveDescription.TimeToLiveStatus != types.TimeToLiveStatusEnabled ||
		aws.ToString(ttl.TimeToLiveDescription.AttributeName) != "expires" {
		t.Errorf("TTL: %+v, %v", ttl.TimeToLiveDescription, err)
	}
}

// TestCreateGSIOnTableWithData is the old create_gsi: a table made without the index, holding
// data, gets the index, which is then queried.
func TestCreateGSIOnTableWithData(t *testing.T) {
	// A server of its own: DynamoDB Local builds an index on a background worker of the whole
	// server, which the shared server of `make test` (dozens of packages creating and deleting
	// tables and reading their streams) was seen to leave at CREATING for good.
	start, cancelStart := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancelStart()
	srv, err := dynamodblocal.Start(start)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	client := dynamodblocal.NewClient(srv.Endpoint)
	noIndex := widgetDef
	noIndex.GSIs, noIndex.Stream = nil, "" // the stream plays no part here
	plain := ddb.NewTable(client, "widgets", ddb.MustSchema[widget](noIndex), ddb.WithWaitPoll(20*time.Millisecond))
	if err := plain.CreateIfMissing(start); err != nil {
		t.Fatal(err)
	}
	seedWidgets(t, plain, "ida", 6)

	tbl := ddb.NewTable(client, plain.Name(), widgets, ddb.WithWaitPoll(20*time.Millisecond))
	for _, err := range tbl.Query(Red).Index("by_color").All(ctx(t)) {
		if err == nil {
			t.Fatal("querying a GSI that does not exist yet succeeded")
		}
		break
	}
	create, cancel := context.WithTimeout(context.Background(), 2*time.Minute) // a guard, not a measurement
	defer cancel()
	for range 2 { // idempotent
		if err := tbl.CreateGSI(create, "by_color"); err != nil {
			t.Fatalf("CreateGSI: %v", err)
		}
	}
	got := serials(t, tbl.Query(Red).Index("by_color").Filter(expression.Name("owner").Equal(expression.Value("ida"))))
	if len(got) != 3 || got[0] != 0 || got[1] != 2 || got[2] != 4 {
		t.Errorf("GSI query after backfill: %v, want [0 2 4]", got)
	}
	if err := tbl.CreateGSI(ctx(t), "missing"); !errors.Is(err, ddb.ErrInvalidSchema) {
		t.Errorf("CreateGSI of an index not in the schema: %v", err)
	}
}
