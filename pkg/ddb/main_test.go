package ddb_test

import (
	"context"
	"os"
	"testing"
	"time"

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
	LSIs:         []ddb.LSI{{Name: "by_made", SortKey: "made", Projection: ddb.ProjectAll}},
	TTL:          "expires",
	Stream:       ddb.StreamNewAndOldImages,
}

var widgets = ddb.MustSchema[widget](widgetDef)

func ctx(t *testing.T) context.Context {
	c, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return c
}

func key(owner string, serial int) ddb.Key { return ddb.Key{Partition: owner, Sort: serial} }
