package alerts

import (
	"testing"
	"time"
)

func TestHumanDuration(t *testing.T) {
	cases := map[time.Duration]string{
		45 * time.Second:                  "45 s",
		12*time.Minute + 59*time.Second:   "12 min",
		2*time.Hour + 14*time.Minute + 30: "2 h 14 min",
		76 * time.Hour:                    "3 d 4 h",
	}
	for d, want := range cases {
		if got := HumanDuration(d); got != want {
			t.Errorf("HumanDuration(%v) = %q, want %q", d, got, want)
		}
	}
}
