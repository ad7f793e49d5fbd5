package ddb_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

var testCursor, _ = ddb.NewCursorCodec([]byte(strings.Repeat("k", 32)))

// seedWidgets writes n widgets for owner with serials 0..n-1; even serials are RED.
func seedWidgets(t *testing.T, tbl *ddb.Table[widget], owner string, n int) {
	t.Helper()
	b := tbl.BatchWrite()
	for i := range n {
		c := Green
		if i%2 == 0 {
			c = Red
		}
		b.Put(widget{Owner: owner, Serial: i, Color: c, Count: i, Made: fmt.Sprintf("2026-01-01T00:00:%02d.000000Z", i)})
	}
	if err := b.Run(ctx(t)); err != nil {
		t.Fatal(err)
	}
}

func serials(t *testing.T, q *ddb.Query[widget]) []int {
	t.Helper()
	var out []int
	for w, err := range q.All(ctx(t)) {
		if err != nil {
			t.Fatalf("query: %v", err)
		}
		out = append(out, w.Serial)
	}
	return out
}

func TestQueryAll(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	seedWidgets(t, tbl, "eve", 30)
	seedWidgets(t, tbl, "fay", 3)
	cases := []struct {
		name string
		q    *ddb.Query[widget]
		want string
	}{
		{"whole partition", tbl.Query("fay"), "[0 1 2]"},
		{"descending", tbl.Query("fay").Descending(), "[2 1 0]"},
		{"range", tbl.Query("eve").Range(expression.Key("serial").Between(expression.Value(10), expression.Value(13))), "[10 11 12 13]"},
		{"filter", tbl.Query("eve").Filter(expression.Name("count").LessThan(expression.Value(7))).Filter(expression.Name("color").Equal(expression.Value(Green))), "[1 3 5]"},
		{"limit total", tbl.Query("eve").Descending().Limit(4), "[29 28 27 26]"},
		{"limit with filter", tbl.Query("eve").Filter(expression.Name("color").Equal(expression.Value(Red))).Limit(3), "[0 2 4]"},
		{"gsi", tbl.Query(Red).Index("by_color").Range(expression.Key("made").LessThan(expression.Value("2026-01-01T00:00:05"))), "[0 0 2 2 4]"},
		{"no match", tbl.Query("nobody"), "[]"},
		{"local index, consistent, newest first", tbl.Query("fay").Index("by_made").Consistent().Descending(), "[2 1 0]"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := fmt.Sprint(serials(t, tc.q)); got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
	refused := []struct {
		name string
		q    *ddb.Query[widget]
	}{
		{"unknown index", tbl.Query("x").Index("nope")},
		{"consistent read of a GSI", tbl.Query("x").Index("by_color").Consistent()},
	}
	for _, r := range refused {
		if _, err := r.q.Page(ctx(t), ""); !errors.Is(err, ddb.ErrInvalidRequest) {
			t.Errorf("%s: %v, want ErrInvalidRequest", r.name, err)
		}
	}
}

func TestQueryPagesWithCursor(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets, ddb.WithCursorCodec(testCursor))
	seedWidgets(t, tbl, "gus", 25)
	seedWidgets(t, tbl, "hal", 25)

	var got []int
	cursor, pages := "", 0
	for {
		page, err := tbl.Query("gus").Descending().Limit(10).Page(ctx(t), cursor)
		if err != nil {
			t.Fatalf("page %d: %v", pages, err)
		}
		pages++
		for _, w := range page.Items {
			got = append(got, w.Serial)
		}
		if page.Next == "" {
			break
		}
		if pages == 1 {
			checkCursorRejected(t, tbl, page.Next)
		}
		cursor = page.Next
	}
	if pages != 3 || len(got) != 25 || got[0] != 24 || got[24] != 0 {
		t.Errorf("%d pages, items %v", pages, got)
	}
}

// checkCursorRejected asserts that a changed cursor, or one used for another query, is refused.
func checkCursorRejected(t *testing.T, tbl *ddb.Table[widget], cursor string) {
	t.Helper()
	body, sig, _ := strings.Cut(cursor, ".")
	flip := func(s string) string {
		b := []byte(s)
		if b[3] == 'A' {
			b[3] = 'B'
		} else {
			b[3] = 'A'
		}
		return string(b)
	}
	cases := []struct {
		name, cursor string
		q            *ddb.Query[widget]
	}{
		{"changed body", flip(body) + "." + sig, tbl.Query("gus").Descending()},
		{"changed signature", body + "." + flip(sig), tbl.Query("gus").Descending()},
		{"no signature", body, tbl.Query("gus").Descending()},
		{"garbage", "%%%.***", tbl.Query("gus").Descending()},
		{"line break in signature", body + "." + sig[:10] + "\n" + sig[10:], tbl.Query("gus").Descending()},
		{"other spelling of last character", body + "." + sig[:len(sig)-1] + otherSpelling(sig[len(sig)-1]), tbl.Query("gus").Descending()},
		{"another partition", cursor, tbl.Query("hal").Descending()},
		{"another order", cursor, tbl.Query("gus")},
		{"another index", cursor, tbl.Query("gus").Index("by_color")},
	}
	for _, tc := range cases {
		if _, err := tc.q.Limit(10).Page(ctx(t), tc.cursor); !errors.Is(err, ddb.ErrInvalidCursor) {
			t.Errorf("%s: got %v, want ErrInvalidCursor", tc.name, err)
		}
	}
	other, _ := ddb.NewCursorCodec([]byte(strings.Repeat("z", 32)))
	foreign := ddb.NewTable(ddbtest.Client(t), tbl.Name(), widgets, ddb.WithCursorCodec(other))
	if _, err := foreign.Query("gus").Descending().Page(ctx(t), cursor); !errors.Is(err, ddb.ErrInvalidCursor) {
		t.Errorf("cursor signed with another secret: %v", err)
	}
}

func TestNewCursorCodecNeedsLongSecret(t *testing.T) {
	if _, err := ddb.NewCursorCodec([]byte("short")); err == nil {
		t.Error("a 5-byte secret was accepted")
	}
}

// otherSpelling returns a base64url character that decodes to the same bits as c in the last
// position of a 32-byte signature (43 characters: the last holds 4 bits and 2 padding bits).
func otherSpelling(c byte) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	i := strings.IndexByte(alphabet, c)
	return string(alphabet[i^1])
}
