package ddb_test

import (
	"context"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

// Color is a test enum.
type Color string

const (
	Red   Color = "RED"
	Green Color = "GREEN"
)

func (c Color) Valid() bool { return c == Red || c == Green }

// widget has a composite key, an enum, a set, a GSI and a TTL: every feature the package handles.
type widget struct {
	Owner   string   `dynamodbav:"owner"`
	Serial  int      `dynamodbav:"serial"`
	Color   Color    `dynamodbav:"color,omitempty"`
	Count   int      `dynamodbav:"count"`
	Label   string   `dynamodbav:"label,omitempty"`
	Tags    []string `dynamodbav:"tags,stringset,omitempty"`
	Made    string   `dynamodbav:"made"`
	Expires int64    `dynamodbav:"expires,omitempty"`
}

var widgetDef = ddb.Definition{
	PartitionKey: "owner",
	SortKey:      "serial",
	GSIs:         []ddb.GSI{{Name: "by_color", PartitionKey: "color", SortKey: "made", Projection: ddb.ProjectAll}},
	TTL:          "expires",
}

var widgets = ddb.MustSchema[widget](widgetDef)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func key(owner string, serial int) ddb.Key { return ddb.Key{Partition: owner, Sort: serial} }

// countingClient counts calls by operation, so tests can assert that a refused request made none.
type countingClient struct {
	*dynamodb.Client
	updates, puts, gets atomic.Int64
}

func (c *countingClient) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, o ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	c.updates.Add(1)
	return c.Client.UpdateItem(ctx, in, o...)
}

func (c *countingClient) PutItem(ctx context.Context, in *dynamodb.PutItemInput, o ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	c.puts.Add(1)
	return c.Client.PutItem(ctx, in, o...)
}

func (c *countingClient) GetItem(ctx context.Context, in *dynamodb.GetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error) {
	c.gets.Add(1)
	return c.Client.GetItem(ctx, in, o...)
}
