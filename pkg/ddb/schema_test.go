package ddb_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/ddb"
)

type badItem struct {
	ID    string            `dynamodbav:"id"`
	Tags  []string          `dynamodbav:"tags"`
	Meta  map[string]string `dynamodbav:"meta"`
	When  string            `dynamodbav:"when"`
	Skip  string            `dynamodbav:"-"`
	Count *int              `dynamodbav:"count"`
}

func TestNewSchemaRefusesWrongDefinitions(t *testing.T) {
	cases := []struct {
		name    string
		def     ddb.Definition
		mention string // "" means the definition is valid
	}{
		{"valid", ddb.Definition{PartitionKey: "id", SortKey: "count", GSIs: []ddb.GSI{{Name: "g", PartitionKey: "when", Projection: ddb.ProjectKeysOnly}}, TTL: "count"}, ""},
		{"no partition key", ddb.Definition{}, "partition key is required"},
		{"partition key not a field", ddb.Definition{PartitionKey: "nope"}, `"nope" is not a field`},
		{"skipped field", ddb.Definition{PartitionKey: "Skip"}, `"Skip" is not a field`},
		{"list key", ddb.Definition{PartitionKey: "id", SortKey: "tags"}, "not a scalar"},
		{"map index key", ddb.Definition{PartitionKey: "id", GSIs: []ddb.GSI{{Name: "g", PartitionKey: "meta", Projection: ddb.ProjectAll}}}, "not a scalar"},
		{"index without name", ddb.Definition{PartitionKey: "id", GSIs: []ddb.GSI{{PartitionKey: "when", Projection: ddb.ProjectAll}}}, "no name"},
		{"index twice", ddb.Definition{PartitionKey: "id", GSIs: []ddb.GSI{{Name: "g", PartitionKey: "when", Projection: ddb.ProjectAll}, {Name: "g", PartitionKey: "id", Projection: ddb.ProjectAll}}}, "defined twice"},
		{"index without key", ddb.Definition{PartitionKey: "id", GSIs: []ddb.GSI{{Name: "g", Projection: ddb.ProjectAll}}}, "no partition key"},
		{"unknown projection", ddb.Definition{PartitionKey: "id", GSIs: []ddb.GSI{{Name: "g", PartitionKey: "when", Projection: "SOME"}}}, "unknown projection"},
		{"text TTL", ddb.Definition{PartitionKey: "id", TTL: "when"}, "epoch seconds"},
		{"TTL not a field", ddb.Definition{PartitionKey: "id", TTL: "expires"}, `"expires" is not a field`},
		{"valid LSI and stream", ddb.Definition{PartitionKey: "id", SortKey: "count", LSIs: []ddb.LSI{{Name: "l", SortKey: "when", Projection: ddb.ProjectAll}}, Stream: ddb.StreamNewAndOldImages}, ""},
		{"LSI without table sort key", ddb.Definition{PartitionKey: "id", LSIs: []ddb.LSI{{Name: "l", SortKey: "when", Projection: ddb.ProjectAll}}}, "needs a table with a sort key"},
		{"LSI without sort key", ddb.Definition{PartitionKey: "id", SortKey: "count", LSIs: []ddb.LSI{{Name: "l", Projection: ddb.ProjectAll}}}, "has no sort key"},
		{"LSI named like a GSI", ddb.Definition{PartitionKey: "id", SortKey: "count", GSIs: []ddb.GSI{{Name: "g", PartitionKey: "when", Projection: ddb.ProjectAll}}, LSIs: []ddb.LSI{{Name: "g", SortKey: "when", Projection: ddb.ProjectAll}}}, "defined twice"},
		{"LSI on a list", ddb.Definition{PartitionKey: "id", SortKey: "count", LSIs: []ddb.LSI{{Name: "l", SortKey: "tags", Projection: ddb.ProjectAll}}}, "not a scalar"},
		{"unknown stream view", ddb.Definition{PartitionKey: "id", Stream: "KEYS_ONLY"}, "unknown stream view"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s, err := ddb.NewSchema[badItem](tc.def)
			if tc.mention == "" {
				if err != nil || s == nil {
					t.Fatalf("valid definition refused: %v", err)
				}
				return
			}
			if !errors.Is(err, ddb.ErrInvalidSchema) || !strings.Contains(err.Error(), tc.mention) {
				t.Errorf("got %v, want ErrInvalidSchema mentioning %q", err, tc.mention)
			}
		})
	}
	if _, err := ddb.NewSchema[string](ddb.Definition{PartitionKey: "id"}); !errors.Is(err, ddb.ErrInvalidSchema) {
		t.Errorf("non-struct item type: %v", err)
	}
	defer func() {
		if recover() == nil {
			t.Error("MustSchema of a wrong definition did not panic")
		}
	}()
	ddb.MustSchema[badItem](ddb.Definition{})
}

func TestKeyTypes(t *testing.T) {
	for attr, want := range map[string]ddb.AttributeType{"owner": "S", "serial": "N", "color": "S", "made": "S"} {
		if got, ok := widgets.KeyType(attr); !ok || got != want {
			t.Errorf("KeyType(%s) = %q, %v; want %q", attr, got, ok, want)
		}
	}
	if _, ok := widgets.KeyType("label"); ok {
		t.Error("label is not a key attribute")
	}
}
