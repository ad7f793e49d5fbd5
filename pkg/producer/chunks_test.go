package producer

import (
	"strings"
	"testing"
)

func TestChunks(t *testing.T) {
	body := func(kib int) *entry { return &entry{body: strings.Repeat("x", kib<<10)} }
	tests := []struct {
		name  string
		sizes []int // KiB of each body
		want  []int // entries per request
	}{
		{"10 small: one request", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, []int{10}},
		{"11 small: 10 + 1", []int{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, []int{10, 1}},
		{"by size: 100 + 100 + 56 fit, the next starts a request", []int{100, 100, 56, 1}, []int{3, 1}},
		{"by size: 100 + 100 + 57 do not fit", []int{100, 100, 57}, []int{2, 1}},
		{"one body alone even if large", []int{300, 1}, []int{1, 1}},
		{"none", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var entries []*entry
			for _, kib := range tt.sizes {
				entries = append(entries, body(kib))
			}
			var got []int
			for _, c := range chunks(entries) {
				got = append(got, len(c))
			}
			if len(got) != len(tt.want) {
				t.Fatalf("requests %v, want %v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Fatalf("requests %v, want %v", got, tt.want)
				}
			}
		})
	}
}
