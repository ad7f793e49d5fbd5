package ddb_test

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

// Keys of the rotation tests: old is the key before a rotation, current after it.
var (
	oldKey     = []byte(strings.Repeat("o", 32))
	currentKey = []byte(strings.Repeat("c", 32))
	unknownKey = []byte(strings.Repeat("u", 32))
)

var issuedAt = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// clock is a settable clock for codecs.
type clock struct{ now time.Time }

func (c *clock) Now() time.Time { return c.now }

// mustCodec makes a codec or fails the test.
func mustCodec(t *testing.T, secret []byte, opts ...ddb.CursorOption) *ddb.CursorCodec {
	t.Helper()
	c, err := ddb.NewCursorCodec(secret, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// cursorTable seeds a table with three widgets of "gus" and returns its name and the cursor of
// the first page (one widget, newest first), signed by codec.
func cursorTable(t *testing.T, codec *ddb.CursorCodec) (string, string) {
	t.Helper()
	tbl := ddbtest.NewTable(t, widgets, ddb.WithCursorCodec(codec))
	seedWidgets(t, tbl, "gus", 3)
	page, err := tbl.Query("gus").Descending().Limit(1).Page(ctx(t), "")
	if err != nil || page.Next == "" || len(page.Items) != 1 || page.Items[0].Serial != 2 {
		t.Fatalf("first page %+v: %v", page, err)
	}
	return tbl.Name(), page.Next
}

// nextPage reads the page after cursor with codec, returning the serials read.
func nextPage(t *testing.T, table string, codec *ddb.CursorCodec, cursor string) ([]int, error) {
	t.Helper()
	tbl := ddb.NewTable(ddbtest.Client(t), table, widgets, ddb.WithCursorCodec(codec))
	page, err := tbl.Query("gus").Descending().Limit(1).Page(ctx(t), cursor)
	var got []int
	for _, w := range page.Items {
		got = append(got, w.Serial)
	}
	return got, err
}

// TestCursorExpiry: a cursor is accepted up to its maximum age after it was issued, and refused
// (ErrCursorExpired, which is an ErrInvalidCursor) after; one dated in the future beyond the
// clock skew allowed is refused too.
func TestCursorExpiry(t *testing.T) {
	clk := &clock{now: issuedAt}
	table, cursor := cursorTable(t, mustCodec(t, currentKey, ddb.WithClock(clk.Now)))
	cases := []struct {
		name    string
		maxAge  time.Duration // 0: the default
		at      time.Time
		want    error // nil: accepted
		expired bool
	}{
		{"at once", 0, issuedAt, nil, false},
		{"an hour later", 0, issuedAt.Add(time.Hour), nil, false},
		{"a day later, to the second", 0, issuedAt.Add(ddb.DefaultCursorMaxAge), nil, false},
		{"a day and a second later", 0, issuedAt.Add(ddb.DefaultCursorMaxAge + time.Second), ddb.ErrInvalidCursor, true},
		{"a year later", 0, issuedAt.AddDate(1, 0, 0), ddb.ErrInvalidCursor, true},
		{"shorter maximum age, within", 10 * time.Minute, issuedAt.Add(10 * time.Minute), nil, false},
		{"shorter maximum age, past", 10 * time.Minute, issuedAt.Add(11 * time.Minute), ddb.ErrInvalidCursor, true},
		{"read by a clock a little behind", 0, issuedAt.Add(-30 * time.Second), nil, false},
		{"issued in the future", 0, issuedAt.Add(-2 * time.Minute), ddb.ErrInvalidCursor, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			reader := &clock{now: tc.at}
			opts := []ddb.CursorOption{ddb.WithClock(reader.Now)}
			if tc.maxAge != 0 {
				opts = append(opts, ddb.WithMaxAge(tc.maxAge))
			}
			got, err := nextPage(t, table, mustCodec(t, currentKey, opts...), cursor)
			if tc.want == nil {
				if err != nil || len(got) != 1 || got[0] != 1 {
					t.Fatalf("page %v, error %v; want [1]", got, err)
				}
				return
			}
			if !errors.Is(err, tc.want) || errors.Is(err, ddb.ErrCursorExpired) != tc.expired {
				t.Fatalf("error %v, want %v (expired: %t)", err, tc.want, tc.expired)
			}
		})
	}
}

// TestCursorKeyRotation: a codec signs with its current key and accepts the current and the
// previous key's cursors, and no other key's.
func TestCursorKeyRotation(t *testing.T) {
	cases := []struct {
		name     string
		signer   []byte
		reader   []byte
		previous []byte // nil: none
		accepted bool
	}{
		{"current key", currentKey, currentKey, nil, true},
		{"previous key, after the rotation", oldKey, currentKey, oldKey, true},
		{"current key, with a previous one", currentKey, currentKey, oldKey, true},
		{"the new key, announced as previous before the swap", currentKey, oldKey, currentKey, true},
		{"previous key, once it is removed", oldKey, currentKey, nil, false},
		{"unknown key", unknownKey, currentKey, oldKey, false},
		{"unknown key, no previous", unknownKey, currentKey, nil, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			table, cursor := cursorTable(t, mustCodec(t, tc.signer))
			got, err := nextPage(t, table, mustCodec(t, tc.reader, ddb.WithPreviousSecret(tc.previous)), cursor)
			if tc.accepted {
				if err != nil || len(got) != 1 || got[0] != 1 {
					t.Fatalf("page %v, error %v; want [1]", got, err)
				}
				return
			}
			if !errors.Is(err, ddb.ErrInvalidCursor) || errors.Is(err, ddb.ErrCursorExpired) {
				t.Fatalf("error %v, want ErrInvalidCursor (not expired)", err)
			}
		})
	}
}

// TestCursorSignsWithTheCurrentKeyOnly: after a rotation, new cursors are signed with the current
// key: a codec that holds only the current key accepts them, one that holds only the old refuses
// them.
func TestCursorSignsWithTheCurrentKeyOnly(t *testing.T) {
	table, cursor := cursorTable(t, mustCodec(t, currentKey, ddb.WithPreviousSecret(oldKey)))
	if got, err := nextPage(t, table, mustCodec(t, currentKey), cursor); err != nil || len(got) != 1 {
		t.Errorf("current key alone: %v %v", got, err)
	}
	if _, err := nextPage(t, table, mustCodec(t, oldKey), cursor); !errors.Is(err, ddb.ErrInvalidCursor) {
		t.Errorf("old key alone: %v, want ErrInvalidCursor", err)
	}
}

// TestCursorTampered: any change to a cursor, including to its issue time, breaks its signature.
func TestCursorTampered(t *testing.T) {
	codec := mustCodec(t, currentKey)
	table, cursor := cursorTable(t, codec)
	body, sig, _ := strings.Cut(cursor, ".")
	payload, err := base64.RawURLEncoding.DecodeString(body)
	if err != nil || !strings.Contains(string(payload), `"t":`) {
		t.Fatalf("payload %q: %v", payload, err)
	}
	younger := strings.Replace(string(payload), `"t":1`, `"t":9`, 1) // an issue time far ahead
	cases := map[string]string{
		"issue time changed": base64.RawURLEncoding.EncodeToString([]byte(younger)) + "." + sig,
		"key changed":        base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"serial":"2"`, `"serial":"0"`, 1))) + "." + sig,
		"signature cut":      body + "." + sig[:len(sig)-2],
		"signature of other": body + "." + base64.RawURLEncoding.EncodeToString(make([]byte, 32)),
		"payload only":       body,
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			if c == cursor {
				t.Fatal("the cursor was not changed")
			}
			if _, err := nextPage(t, table, codec, c); !errors.Is(err, ddb.ErrInvalidCursor) {
				t.Errorf("error %v, want ErrInvalidCursor", err)
			}
		})
	}
}

// TestNewCursorCodecRefuses: a short key (current or previous) or a non-positive maximum age is
// refused at construction, with an error that never shows the key.
func TestNewCursorCodecRefuses(t *testing.T) {
	short := []byte("short-secret-31-bytes-long-xxxx")
	cases := []struct {
		name   string
		secret []byte
		opts   []ddb.CursorOption
	}{
		{"short current key", short, nil},
		{"no current key", nil, nil},
		{"short previous key", currentKey, []ddb.CursorOption{ddb.WithPreviousSecret(short)}},
		{"zero maximum age", currentKey, []ddb.CursorOption{ddb.WithMaxAge(0)}},
		{"negative maximum age", currentKey, []ddb.CursorOption{ddb.WithMaxAge(-time.Hour)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ddb.NewCursorCodec(tc.secret, tc.opts...)
			if !errors.Is(err, ddb.ErrCursorConfig) {
				t.Fatalf("error %v, want ErrCursorConfig", err)
			}
			if strings.Contains(err.Error(), string(short)) {
				t.Errorf("the error shows the key: %v", err)
			}
		})
	}
	if _, err := ddb.NewCursorCodec(currentKey, ddb.WithPreviousSecret(nil), ddb.WithPreviousSecret([]byte{})); err != nil {
		t.Errorf("an empty previous key (none) was refused: %v", err)
	}
}
