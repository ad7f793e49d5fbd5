package ddb_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

// TestTransact: all writes happen or none does, and each write's failure is decoded as that
// write alone would fail, with the current item of its own table.
func TestTransact(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	made := "2026-01-01T00:00:00.000000Z"
	counter := widget{Owner: "ann", Serial: 0, Count: 1, Made: made}
	if err := tbl.Create(counter).Run(ctx(t)); err != nil {
		t.Fatal(err)
	}
	below := func(n int) expression.ConditionBuilder { return expression.Name("count").LessThan(expression.Value(n)) }

	// Both writes happen.
	err := ddb.Transact(ctx(t),
		tbl.Update(key("ann", 0)).Add("count", 1).If(below(2)).Tx(),
		tbl.Create(widget{Owner: "ann", Serial: 1, Made: made}).Tx())
	if err != nil {
		t.Fatalf("transaction: %v", err)
	}
	if got, _ := tbl.Get(key("ann", 0)).Consistent().One(ctx(t)); got.Count != 2 {
		t.Errorf("count %d, want 2", got.Count)
	}

	cases := []struct {
		name   string
		writes []ddb.TxWrite
		failed int // the write whose reason is given
		want   error
		count  int // the counter's count in the failure's current item, if a condition
	}{
		{"condition false", []ddb.TxWrite{
			tbl.Update(key("ann", 0)).Add("count", 1).If(below(2)).Tx(),
			tbl.Create(widget{Owner: "ann", Serial: 2, Made: made}).Tx()}, 0, ddb.ErrConditionFailed, 2},
		{"already exists", []ddb.TxWrite{
			tbl.Update(key("ann", 0)).Add("count", 1).Tx(),
			tbl.Create(widget{Owner: "ann", Serial: 1, Made: made}).Tx()}, 1, ddb.ErrAlreadyExists, 0},
		{"missing item", []ddb.TxWrite{
			tbl.Update(key("ann", 0)).Add("count", 1).Tx(),
			tbl.Delete(key("ann", 9)).Tx()}, 1, ddb.ErrNotFound, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := ddb.Transact(ctx(t), tc.writes...)
			var tx *ddb.TxError
			if !errors.As(err, &tx) || !errors.Is(err, ddb.ErrTransactionCanceled) || !errors.Is(tx.Reasons[tc.failed], tc.want) {
				t.Fatalf("err %v, want write %d: %v", err, tc.failed, tc.want)
			}
			if !errors.Is(err, tc.want) || ddb.IsRetryable(err) {
				t.Errorf("errors.Is(%v, %v) false, or retryable", err, tc.want)
			}
			for i, r := range tx.Reasons {
				if i != tc.failed && r != nil {
					t.Errorf("write %d: %v, want none", i, r)
				}
			}
			if tc.count > 0 {
				if cur, ok := ddb.CurrentItem[widget](err); !ok || cur.Count != tc.count {
					t.Errorf("current item %+v, %v", cur, ok)
				}
			}
			if got, _ := tbl.Get(key("ann", 0)).Consistent().One(ctx(t)); got.Count != 2 {
				t.Errorf("a canceled transaction changed the counter: %d", got.Count)
			}
		})
	}
	if err := ddb.Transact(ctx(t)); !errors.Is(err, ddb.ErrInvalidRequest) {
		t.Errorf("empty transaction: %v", err)
	}
	if err := ddb.Transact(ctx(t), tbl.Update(key("ann", 0)).Tx()); !errors.Is(err, ddb.ErrInvalidRequest) {
		t.Errorf("an update that changes nothing: %v", err)
	}
}
