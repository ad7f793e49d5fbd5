package trainevent_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

// FuzzStorable checks that every event Parse accepts is stored by DynamoDB (issue 12.4: a
// progress of 1e-200 passed validation and was then refused by DynamoDB as a number underflow).
// Each accepted event is applied with pkg/tracker to a status table in DynamoDB Local, under a
// user of its own so that it creates its record, and the record is read back: it must hold the
// event's progress, message and error exactly. The seeds are hand-picked edge cases and bodies
// drawn at random (fixed seed) from every kind of value the format allows; `go test -fuzz
// FuzzStorable` explores further.
func FuzzStorable(f *testing.F) {
	for _, b := range edgeBodies(f) {
		f.Add(b)
	}
	r := rand.New(rand.NewPCG(12, 4))
	for range 150 {
		f.Add(randomBody(f, r))
	}
	table := ddbtest.NewTable(f, tables.StatusSchema)
	// The tracker's clock is each event's own time: the handler's window (5 minutes ahead, the
	// retention behind) is another rule with its own tests; here every time the format allows,
	// 1970 to 9999, must be storable.
	var clock atomic.Pointer[time.Time]
	tr := tracker.New(table, 0, tracker.WithClock(func() time.Time { return *clock.Load() }))
	var n atomic.Int64
	f.Fuzz(func(t *testing.T, body []byte) {
		ev, err := trainevent.Parse(body)
		if err != nil {
			return
		}
		ev.UserID = fmt.Sprintf("00000000-0000-4000-8000-%012x", n.Add(1)) // a record of its own
		clock.Store(&ev.EventTime)
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		res, err := tr.Apply(ctx, ev)
		if err != nil {
			t.Fatalf("an accepted event was not stored: %v\nbody: %s", err, body)
		}
		if res.Outcome != tracker.Applied {
			t.Fatalf("first event of a job: %s (%s), want applied", res.Outcome, res.Reason)
		}
		item, err := table.Get(tables.StatusKey(ev.UserID, ev.RequestID)).Consistent().One(ctx)
		if err != nil {
			t.Fatalf("reading the record back: %v", err)
		}
		want := ev.Progress
		if want == nil && ev.Status == job.Success {
			full := 100.0
			want = &full
		}
		if (item.Progress == nil) != (want == nil) || want != nil && *item.Progress != *want {
			t.Errorf("stored progress %v, event %v", deref(item.Progress), deref(want))
		}
		if item.Message != ev.Message || item.Error != ev.Error || item.Status != ev.Status || item.LastEvent != ev.OrderKey() {
			t.Errorf("stored %+v for event %+v", item, ev)
		}
		// The same event again is a duplicate, decided by DynamoDB comparing the stored values.
		if res, err := tr.Apply(ctx, ev); err != nil || res.Outcome != tracker.Duplicate {
			t.Errorf("the same event again: %v, %v; want duplicate", res.Outcome, err)
		}
	})
}

func deref(p *float64) any {
	if p == nil {
		return nil
	}
	return *p
}

const sub = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"

// edgeBodies are the values at the edges of what the format accepts.
func edgeBodies(tb testing.TB) [][]byte {
	base := map[string]any{"request_id": "job-1", "user_id": sub, "status": "IN_PROGRESS", "event_time": "2026-11-24T10:00:05.123456Z"}
	with := func(over map[string]any) []byte {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range over {
			m[k] = v
		}
		b, err := json.Marshal(m)
		if err != nil {
			tb.Fatal(err)
		}
		return b
	}
	raw := func(s string) json.RawMessage { return json.RawMessage(s) }
	var out [][]byte
	for _, p := range []string{"1e-200", "5e-324", "-0", "0", "1e-130", "1e-131", "9.99e-7", "1e-6", "4.9999999e-7",
		"33.33333333333333", "66.666666666666671", "99.9999995", "99.99999949", "100", "1e2", "0.1", "12.3456785", "2.5e1"} {
		out = append(out, with(map[string]any{"progress": raw(p)}))
	}
	out = append(out,
		with(map[string]any{"status": "SUCCESS"}),
		with(map[string]any{"status": "FAILED", "error": strings.Repeat("𝔈", trainevent.MaxErrorLen/4)}),
		with(map[string]any{"message": strings.Repeat("é", trainevent.MaxMessageLen/2)}),
		with(map[string]any{"message": "\t\n \u00a0\u200f\u202e\u2028\u2029\ufeff\ufffd", "error": "\n"}),
		with(map[string]any{"request_id": strings.Repeat("aZ09._:-", 16), "seq": raw("9007199254740991")}),
		with(map[string]any{"event_time": "1970-01-01T00:00:00Z"}),
		with(map[string]any{"event_time": "9999-12-31T23:59:59.999999999Z", "status": "STARTED"}),
		with(map[string]any{"event_time": "2026-11-24T10:00:05.1+23:59", "status": "fail"}),
	)
	return out
}

// randomBody draws a valid body: each field from the kinds of value the format allows.
func randomBody(tb testing.TB, r *rand.Rand) []byte {
	m := map[string]any{
		"request_id": randomFrom(r, "A-Za-z0-9._:-", 1+r.IntN(trainevent.MaxRequestIDLen)),
		"user_id":    sub,
		"status":     []string{"STARTED", "in progress", "IN_PROGRESS", "success", "FAILED", "fail"}[r.IntN(6)],
		"event_time": time.Unix(r.Int64N(253402300799), r.Int64N(1e9)).UTC().Format(time.RFC3339Nano),
	}
	if r.IntN(2) == 0 {
		m["seq"] = r.Uint64N(trainevent.MaxSeq + 1)
	}
	switch r.IntN(5) {
	case 0: // absent
	case 1:
		m["progress"] = r.Float64() * 100
	case 2:
		m["progress"] = math.Ldexp(r.Float64(), -r.IntN(1070)) // down to the smallest subnormals
	case 3:
		m["progress"] = float64(r.IntN(101))
	case 4:
		m["progress"] = 100 - math.Ldexp(r.Float64(), -r.IntN(60))
	}
	if r.IntN(2) == 0 {
		m["message"] = randomText(r, trainevent.MaxMessageLen)
	}
	if r.IntN(3) == 0 {
		m["error"] = randomText(r, trainevent.MaxErrorLen)
	}
	b, err := json.Marshal(m)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

// randomText is valid UTF-8 of at most max bytes: ASCII, tab and newline, runes of 2, 3 and 4
// bytes, format characters and the characters just outside the control ranges.
func randomText(r *rand.Rand, max int) string {
	pools := [][]rune{
		[]rune("abcXYZ019 .,:;!?\"'\\/<>&{}[]"), {'\t', '\n'}, {0xa0, 0xff, 0x100, 0x7ff},
		{0x800, 0x2028, 0x2029, 0x200f, 0x202e, 0xfeff, 0xfffd, 0xffff}, {0x10000, 0x1d508, 0x10ffff},
	}
	var b strings.Builder
	limit := r.IntN(max + 1)
	for {
		pool := pools[r.IntN(len(pools))]
		c := string(pool[r.IntN(len(pool))])
		if b.Len()+len(c) > limit {
			return b.String()
		}
		b.WriteString(c)
	}
}

func randomFrom(r *rand.Rand, ranges string, n int) string {
	var alphabet []byte
	for i := 0; i < len(ranges); i++ {
		if i+2 < len(ranges) && ranges[i+1] == '-' {
			for c := ranges[i]; c <= ranges[i+2]; c++ {
				alphabet = append(alphabet, c)
			}
			i += 2
			continue
		}
		alphabet = append(alphabet, ranges[i])
	}
	out := make([]byte, n)
	for i := range out {
		out[i] = alphabet[r.IntN(len(alphabet))]
	}
	return string(out)
}
