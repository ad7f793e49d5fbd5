package ddb_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestCreateGetPutDelete(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	w := widget{Owner: "ann", Serial: 1, Color: Red, Count: 2, Label: "first", Made: "2026-01-01T00:00:00.000000Z"}
	if err := tbl.Create(w).Run(ctx(t)); err != nil {
		t.Fatalf("create: %v", err)
	}

	// A second Create fails with ErrAlreadyExists and carries the item that is there.
	dup := w
	dup.Label = "second"
	err := tbl.Create(dup).Run(ctx(t))
	if !errors.Is(err, ddb.ErrAlreadyExists) {
		t.Fatalf("duplicate create: got %v, want ErrAlreadyExists", err)
	}
	if cur, ok := ddb.CurrentItem[widget](err); !ok || cur.Label != "first" {
		t.Errorf("duplicate create carries %+v (%v), want the first item", cur, ok)
	}
	var opErr *ddb.OpError
	if !errors.As(err, &opErr) || opErr.Table != tbl.Name() || opErr.Key.String() != key("ann", 1).String() {
		t.Errorf("error %v does not name table and key", err)
	}

	got, err := tbl.Get(key("ann", 1)).Consistent().One(ctx(t))
	if err != nil || !reflect.DeepEqual(got, w) {
		t.Fatalf("get: %+v, %v; want %+v", got, err, w)
	}

	// Put replaces the whole item.
	w2 := widget{Owner: "ann", Serial: 1, Count: 9, Made: w.Made}
	if err := tbl.Put(w2).Run(ctx(t)); err != nil {
		t.Fatalf("put: %v", err)
	}
	if got, _ := tbl.Get(key("ann", 1)).Consistent().One(ctx(t)); !reflect.DeepEqual(got, w2) {
		t.Errorf("after put: %+v, want %+v", got, w2)
	}

	// Projection reads only the named attributes.
	got, err = tbl.Get(key("ann", 1)).Project("owner", "count").One(ctx(t))
	if err != nil || !reflect.DeepEqual(got, widget{Owner: "ann", Count: 9}) {
		t.Errorf("projected get: %+v, %v", got, err)
	}

	// Delete with a false condition keeps the item and returns it.
	err = tbl.Delete(key("ann", 1)).If(expression.Name("count").Equal(expression.Value(1))).Run(ctx(t))
	if cur, ok := ddb.CurrentItem[widget](err); !errors.Is(err, ddb.ErrConditionFailed) || !ok || cur.Count != 9 {
		t.Fatalf("conditional delete: %v (%+v)", err, cur)
	}
	old, err := tbl.Delete(key("ann", 1)).Old(ctx(t))
	if err != nil || !reflect.DeepEqual(old, w2) {
		t.Fatalf("delete: %+v, %v", old, err)
	}
	for name, err := range map[string]error{
		"get":    func() error { _, err := tbl.Get(key("ann", 1)).One(ctx(t)); return err }(),
		"delete": tbl.Delete(key("ann", 1)).Run(ctx(t)),
		"update": tbl.Update(key("ann", 1)).Set("count", 1).Run(ctx(t)),
	} {
		if !errors.Is(err, ddb.ErrNotFound) {
			t.Errorf("%s of a missing item: %v, want ErrNotFound", name, err)
		}
	}
}

func TestWritesRefusedBeforeAnyCall(t *testing.T) {
	client := ddbtest.NewSpy(ddbtest.Client(t))
	tbl := ddbtest.NewTableWithClient(t, client, widgets)
	cases := []struct {
		name    string
		run     func() error
		wantErr error
		mention string
	}{
		{"put with invalid enum", func() error {
			return tbl.Put(widget{Owner: "a", Serial: 1, Color: "PURPLE"}).Run(ctx(t))
		}, ddb.ErrInvalidItem, `"PURPLE"`},
		{"create with invalid enum", func() error {
			return tbl.Create(widget{Owner: "a", Serial: 1, Color: "red"}).Run(ctx(t))
		}, ddb.ErrInvalidItem, `"color"`},
		{"update sets invalid enum", func() error {
			return tbl.Update(key("a", 1)).Set("color", Color("BLUE")).Run(ctx(t))
		}, ddb.ErrInvalidItem, `"BLUE"`},
		{"update sets invalid enum as plain string", func() error {
			return tbl.Update(key("a", 1)).Set("color", "BLUE").Run(ctx(t))
		}, ddb.ErrInvalidItem, `"color"`},
		{"update of partition key", func() error {
			return tbl.Update(key("a", 1)).Set("owner", "b").Run(ctx(t))
		}, ddb.ErrInvalidItem, `"owner"`},
		{"update of sort key", func() error {
			return tbl.Update(key("a", 1)).Remove("serial").Run(ctx(t))
		}, ddb.ErrInvalidItem, `"serial"`},
		{"update of unknown attribute", func() error {
			return tbl.Update(key("a", 1)).Set("colour", "RED").Run(ctx(t))
		}, ddb.ErrInvalidItem, `"colour"`},
		{"update without changes", func() error { return tbl.Update(key("a", 1)).Run(ctx(t)) }, ddb.ErrInvalidRequest, "nothing"},
		{"get without sort key", func() error {
			_, err := tbl.Get(ddb.Key{Partition: "a"}).One(ctx(t))
			return err
		}, ddb.ErrInvalidItem, "sort key"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.run()
			if !errors.Is(err, tc.wantErr) {
				t.Fatalf("got %v, want %v", err, tc.wantErr)
			}
			if !contains(err.Error(), tc.mention) || !contains(err.Error(), tbl.Name()) {
				t.Errorf("error %q should mention %s and the table", err, tc.mention)
			}
		})
	}
	if n := client.Calls(); n != 0 {
		t.Errorf("refused requests made %d calls to DynamoDB, want 0", n)
	}
	var inv *ddb.InvalidValueError
	err := tbl.Put(widget{Owner: "a", Serial: 1, Color: "PURPLE"}).Run(ctx(t))
	if !errors.As(err, &inv) || inv.Attribute != "color" || inv.Value != "PURPLE" {
		t.Errorf("InvalidValueError = %+v", inv)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
