package job

import (
	"testing"
	"time"
)

func TestParseStatus(t *testing.T) {
	cases := []struct {
		in   string
		want Status
		ok   bool
	}{
		{"STARTED", Started, true}, {"started", Started, true}, {"In_Progress", InProgress, true},
		{"in progress", InProgress, true}, {"SUCCESS", Success, true}, {"fail", Failed, true},
		{"FAILED", Failed, true}, {"ſtarted", "", false}, {"", "", false}, {"done", "", false},
		{"in_progress_and_more", "", false}, {"succes", "", false},
	}
	for _, c := range cases {
		if got, ok := ParseStatus(c.in); got != c.want || ok != c.ok {
			t.Errorf("ParseStatus(%q) = %q, %t; want %q, %t", c.in, got, ok, c.want, c.ok)
		}
	}
	if MustBeOneOf != "must be one of STARTED, IN_PROGRESS, SUCCESS, FAILED" {
		t.Errorf("MustBeOneOf = %q", MustBeOneOf)
	}
}

func TestTransitions(t *testing.T) {
	allowed := map[[2]Status]bool{
		{Started, InProgress}: true, {Started, Success}: true, {Started, Failed}: true,
		{InProgress, InProgress}: true, {InProgress, Success}: true, {InProgress, Failed}: true,
	}
	for _, from := range Statuses {
		for _, to := range Statuses {
			if got := CanMove(from, to); got != allowed[[2]Status{from, to}] {
				t.Errorf("CanMove(%s, %s) = %t", from, to, got)
			}
		}
		if from.Final() != (from == Success || from == Failed) || !from.Valid() {
			t.Errorf("%s: Final %t Valid %t", from, from.Final(), from.Valid())
		}
	}
	if Status("DONE").Valid() {
		t.Error("DONE is valid")
	}
}

func TestEstimateFinish(t *testing.T) {
	t0 := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	cases := []struct {
		name        string
		first, last Report
		want        time.Time
		ok          bool
	}{
		{"linear", Report{at(0), 10}, Report{at(10), 20}, at(90), true},
		{"one report", Report{at(0), 10}, Report{at(0), 10}, time.Time{}, false},
		{"same time", Report{at(5), 10}, Report{at(5), 20}, time.Time{}, false},
		{"went backwards", Report{at(0), 50}, Report{at(10), 40}, time.Time{}, false},
		{"done", Report{at(0), 10}, Report{at(10), 100}, time.Time{}, false},
		{"too slow to say", Report{at(0), 10}, Report{at(60 * 24 * 30), 10.0001}, time.Time{}, false},
	}
	for _, c := range cases {
		got, ok := EstimateFinish(c.first, c.last)
		if ok != c.ok || !got.Equal(c.want) {
			t.Errorf("%s: %v, %t; want %v, %t", c.name, got, ok, c.want, c.ok)
		}
	}
}

func TestStalled(t *testing.T) {
	heard := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	cases := []struct {
		s    Status
		now  time.Duration
		want bool
	}{
		{InProgress, 15 * time.Minute, false}, {InProgress, 15*time.Minute + time.Second, true},
		{Started, time.Hour, true}, {Success, time.Hour, false}, {Failed, time.Hour, false},
	}
	for _, c := range cases {
		if got := Stalled(c.s, heard, heard.Add(c.now), DefaultStallWindow); got != c.want {
			t.Errorf("Stalled(%s, +%v) = %t", c.s, c.now, got)
		}
	}
}

func TestTimeLayoutRoundTrip(t *testing.T) {
	in := time.Date(2026, 11, 24, 10, 0, 5, 123456789, time.FixedZone("x", 3600))
	s := FormatTime(in)
	if s != "2026-11-24T09:00:05.123456Z" {
		t.Fatalf("FormatTime = %s", s)
	}
	back, err := ParseTime(s)
	if err != nil || !back.Equal(in.Truncate(time.Microsecond)) {
		t.Errorf("ParseTime(%s) = %v, %v", s, back, err)
	}
}
