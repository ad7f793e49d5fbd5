package ddb_test

import (
	"maps"
	"slices"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

// TestBatchWriteDuplicateKeys sends batches that name one key more than once. DynamoDB refuses a
// BatchWriteItem call with two requests for the same key (ValidationException: "Provided list of
// item keys contains duplicates"); BatchWrite keeps the last request for each key, which is what
// writing the requests one by one would leave.
func TestBatchWriteDuplicateKeys(t *testing.T) {
	w := func(serial, count int) widget { return widget{Owner: "dup", Serial: serial, Count: count, Made: "m"} }
	tests := []struct {
		name      string
		seed      []widget // written before the batch
		batch     func(b *ddb.BatchWrite[widget])
		want      map[int]int // serial -> count of the items left
		wantCalls int64
	}{
		{"put twice: the second wins", nil, func(b *ddb.BatchWrite[widget]) {
			b.Put(w(1, 10), w(2, 20), w(1, 11))
		}, map[int]int{1: 11, 2: 20}, 1},
		{"put then delete: gone", []widget{w(1, 1)}, func(b *ddb.BatchWrite[widget]) {
			b.Put(w(1, 10)).Delete(key("dup", 1))
		}, map[int]int{}, 1},
		{"delete then put: the put stays", []widget{w(1, 1)}, func(b *ddb.BatchWrite[widget]) {
			b.Delete(key("dup", 1)).Put(w(1, 12))
		}, map[int]int{1: 12}, 1},
		{"delete twice", []widget{w(1, 1), w(2, 2)}, func(b *ddb.BatchWrite[widget]) {
			b.Delete(key("dup", 1), key("dup", 1))
		}, map[int]int{2: 2}, 1},
		{"same sort value under another partition is another key", nil, func(b *ddb.BatchWrite[widget]) {
			b.Put(w(1, 10), widget{Owner: "other", Serial: 1, Count: 99, Made: "m"}, w(1, 13))
		}, map[int]int{1: 13}, 1},
		{"30 puts of 3 keys: 3 requests, one call, the last of each wins", nil, func(b *ddb.BatchWrite[widget]) {
			for i := range 30 {
				b.Put(w(i%3, i))
			}
		}, map[int]int{0: 27, 1: 28, 2: 29}, 1},
		{"a duplicate 25 requests later: still one write, the later one", nil, func(b *ddb.BatchWrite[widget]) {
			for i := range 26 {
				b.Put(w(i, i))
			}
			b.Put(w(0, 100))
		}, func() map[int]int {
			m := map[int]int{0: 100}
			for i := 1; i < 26; i++ {
				m[i] = i
			}
			return m
		}(), 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			spy := ddbtest.NewSpy(ddbtest.Client(t))
			tbl := ddbtest.NewTableWithClient(t, spy, widgets)
			if len(tt.seed) > 0 {
				if err := tbl.BatchWrite().Put(tt.seed...).Run(ctx(t)); err != nil {
					t.Fatal(err)
				}
			}
			spy.Reset()
			b := tbl.BatchWrite()
			tt.batch(b)
			if err := b.Run(ctx(t)); err != nil {
				t.Fatalf("BatchWrite: %v", err)
			}
			if got := spy.Calls("BatchWriteItem"); got != tt.wantCalls {
				t.Errorf("%d BatchWriteItem calls, want %d", got, tt.wantCalls)
			}
			got := map[int]int{}
			for item, err := range tbl.Query("dup").All(ctx(t)) {
				if err != nil {
					t.Fatal(err)
				}
				got[item.Serial] = item.Count
			}
			if !maps.Equal(got, tt.want) {
				t.Fatalf("items (serial: count) %v, want %v", sorted(got), sorted(tt.want))
			}
		})
	}
}

func sorted(m map[int]int) [][2]int {
	var out [][2]int
	for _, k := range slices.Sorted(maps.Keys(m)) {
		out = append(out, [2]int{k, m[k]})
	}
	return out
}
