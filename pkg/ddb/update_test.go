package ddb_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestUpdate(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	base := widget{Owner: "bo", Serial: 7, Color: Red, Count: 1, Label: "old", Tags: []string{"a"}, Made: "m0"}
	cases := []struct {
		name   string
		update func(*ddb.Update[widget]) *ddb.Update[widget]
		want   widget
	}{
		{"set", func(u *ddb.Update[widget]) *ddb.Update[widget] { return u.Set("label", "new").Set("color", Green) },
			widget{Owner: "bo", Serial: 7, Color: Green, Count: 1, Label: "new", Tags: []string{"a"}, Made: "m0"}},
		{"remove", func(u *ddb.Update[widget]) *ddb.Update[widget] { return u.Remove("label").Remove("tags") },
			widget{Owner: "bo", Serial: 7, Color: Red, Count: 1, Made: "m0"}},
		{"add number and set", func(u *ddb.Update[widget]) *ddb.Update[widget] {
			return u.Add("count", 5).Add("tags", ddbStringSet("b"))
		}, widget{Owner: "bo", Serial: 7, Color: Red, Count: 6, Label: "old", Tags: []string{"a", "b"}, Made: "m0"}},
		{"if_not_exists keeps a value", func(u *ddb.Update[widget]) *ddb.Update[widget] {
			return u.SetIfNotExists("label", "ignored").SetIfNotExists("expires", 99)
		}, widget{Owner: "bo", Serial: 7, Color: Red, Count: 1, Label: "old", Tags: []string{"a"}, Made: "m0", Expires: 99}},
		{"condition that holds", func(u *ddb.Update[widget]) *ddb.Update[widget] {
			return u.Set("count", 2).If(expression.Name("count").Equal(expression.Value(1)))
		}, widget{Owner: "bo", Serial: 7, Color: Red, Count: 2, Label: "old", Tags: []string{"a"}, Made: "m0"}},
		{"expression operand", func(u *ddb.Update[widget]) *ddb.Update[widget] {
			return u.SetExpr("count", expression.Name("count").Plus(expression.Value(10)))
		}, widget{Owner: "bo", Serial: 7, Color: Red, Count: 11, Label: "old", Tags: []string{"a"}, Made: "m0"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tbl.Put(base).Run(ctx(t)); err != nil {
				t.Fatal(err)
			}
			got, err := tc.update(tbl.Update(key("bo", 7))).Value(ctx(t))
			if err != nil {
				t.Fatalf("update: %v", err)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("returned %+v, want %+v", got, tc.want)
			}
			stored, _ := tbl.Get(key("bo", 7)).Consistent().One(ctx(t))
			if !reflect.DeepEqual(stored, tc.want) {
				t.Errorf("stored %+v, want %+v", stored, tc.want)
			}
		})
	}
}

func TestUpdateConditionFailureCarriesCurrentItem(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	w := widget{Owner: "cy", Serial: 1, Count: 3, Made: "m"}
	if err := tbl.Put(w).Run(ctx(t)); err != nil {
		t.Fatal(err)
	}
	_, err := tbl.Update(key("cy", 1)).Set("count", 4).If(expression.Name("count").Equal(expression.Value(99))).Value(ctx(t))
	if !errors.Is(err, ddb.ErrConditionFailed) || errors.Is(err, ddb.ErrNotFound) {
		t.Fatalf("got %v, want ErrConditionFailed", err)
	}
	var cf *ddb.ConditionFailedError[widget]
	if !errors.As(err, &cf) || !cf.Exists || !reflect.DeepEqual(cf.Current, w) {
		t.Errorf("condition failure carries %+v, want %+v", cf, w)
	}
	if got, _ := tbl.Get(key("cy", 1)).Consistent().One(ctx(t)); got.Count != 3 {
		t.Errorf("failed update changed the item: %+v", got)
	}
}

func TestUpdateUpsertCreates(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	got, err := tbl.Update(key("di", 2)).Upsert().Set("label", "born").Add("count", 1).Value(ctx(t))
	want := widget{Owner: "di", Serial: 2, Label: "born", Count: 1}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Fatalf("upsert: %+v, %v; want %+v", got, err, want)
	}
	// With a condition that requires the item to be new, a second upsert fails with the item.
	_, err = tbl.Update(key("di", 2)).Upsert().Set("label", "again").
		If(expression.AttributeNotExists(expression.Name("owner"))).Value(ctx(t))
	if cur, ok := ddb.CurrentItem[widget](err); !ok || cur.Label != "born" {
		t.Errorf("second upsert: %v, current %+v", err, cur)
	}
}

func ddbStringSet(v ...string) any { return stringSet(v) }

// stringSet marshals as a DynamoDB string set (SS), which ADD needs.
type stringSet []string

func (s stringSet) MarshalDynamoDBAttributeValue() (av types.AttributeValue, err error) {
	return &types.AttributeValueMemberSS{Value: s}, nil
}
