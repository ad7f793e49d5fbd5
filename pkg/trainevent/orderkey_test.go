package trainevent

import (
	"errors"
	"testing"
	"time"
)

func TestOrderKeyTime(t *testing.T) {
	at := time.Date(2026, 11, 24, 10, 0, 5, 123456000, time.UTC)
	cases := []struct {
		name string
		key  string
		want time.Time // zero: refused
	}{
		{"made by OrderKey", Event{EventTime: at, Seq: 7}.OrderKey(), at},
		{"largest seq", Event{EventTime: at, Seq: MaxSeq}.OrderKey(), at},
		{"no seq", "2026-11-24T10:00:05.123456Z", time.Time{}},
		{"short seq", "2026-11-24T10:00:05.123456Z#7", time.Time{}},
		{"seq not digits", "2026-11-24T10:00:05.123456Z#0000000000000000000x", time.Time{}},
		{"time not in the layout", "2026-11-24T10:00:05Z#00000000000000000007", time.Time{}},
		{"empty", "", time.Time{}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := OrderKeyTime(tc.key)
			if tc.want.IsZero() {
				if !errors.Is(err, ErrInvalidOrderKey) {
					t.Errorf("OrderKeyTime(%q) = %v, %v; want ErrInvalidOrderKey", tc.key, got, err)
				}
				return
			}
			if err != nil || !got.Equal(tc.want) {
				t.Errorf("OrderKeyTime(%q) = %v, %v; want %v", tc.key, got, err, tc.want)
			}
		})
	}
}
