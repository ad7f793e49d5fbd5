package ddb_test

import (
	"errors"
	"reflect"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

// TestUpdateOldValue: OldValue returns the item as it was before the update and whether there
// was one; an upsert that creates the item returns false and the zero item.
func TestUpdateOldValue(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	base := widget{Owner: "ol", Serial: 1, Color: Red, Count: 1, Label: "old", Made: "m0"}
	cases := []struct {
		name      string
		existing  bool
		wantOld   widget
		wantAfter widget
	}{
		{"existing item", true, base, widget{Owner: "ol", Serial: 1, Color: Red, Count: 1, Label: "new", Made: "m0"}},
		{"upsert creates it", false, widget{}, widget{Owner: "ol", Serial: 1, Label: "new", Made: "m1"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := tbl.Delete(key("ol", 1)).Run(ctx(t)); err != nil && !errors.Is(err, ddb.ErrNotFound) {
				t.Fatal(err)
			}
			if tc.existing {
				if err := tbl.Put(base).Run(ctx(t)); err != nil {
					t.Fatal(err)
				}
			}
			old, existed, err := tbl.Update(key("ol", 1)).Upsert().Set("label", "new").SetIfNotExists("made", "m1").OldValue(ctx(t))
			if err != nil || existed != tc.existing || !reflect.DeepEqual(old, tc.wantOld) {
				t.Errorf("OldValue = %+v, %v, %v; want %+v, %v", old, existed, err, tc.wantOld, tc.existing)
			}
			if stored, _ := tbl.Get(key("ol", 1)).Consistent().One(ctx(t)); !reflect.DeepEqual(stored, tc.wantAfter) {
				t.Errorf("stored %+v, want %+v", stored, tc.wantAfter)
			}
		})
	}
}
