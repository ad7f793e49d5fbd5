package main

import (
	"strings"
	"testing"
)

func TestFailureText(t *testing.T) {
	long := strings.Repeat("é", 3000) // 6000 bytes on one line
	tests := []struct {
		name, how, stderr string
		max               int
		want              string
	}{
		{"no stderr", "exit status 1", "", 4096, "exit status 1"},
		{"the last lines, blank ones skipped", "exit status 2", "a\n\nb\n  \nc\n", 4096, "exit status 2\na\nb\nc"},
		{"colours and cursor moves removed, \\r ends a line", "exit status 1", "\x1b[31mred\x1b[0m\n\x1b]0;title\x07bar 10%\rbar 20%\r\x07bell\n", 4096,
			"exit status 1\nred\nbar 10%\nbar 20%\nbell"},
		{"only the last 20 lines", "exit status 1", strings.Repeat("x\n", 30) + "last\n", 4096, "exit status 1\n" + strings.Repeat("x\n", 19) + "last"},
		{"the oldest lines go first when they do not fit", "exit status 1", "aaaaaaaaaa\nbbbbbbbbbb\ncccccccccc\n", 30, "exit status 1\ncccccccccc"},
		{"a line too long is cut at its start, at a character", "exit status 1", long + "\n", 40, "exit status 1\n…" + strings.Repeat("é", 11)},
		{"invalid UTF-8 and C1 controls", "exit status 1", "bad \xff byte \u009b2J\n", 4096, "exit status 1\nbad \uFFFD byte 2J"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := failureText(tt.how, tt.stderr, tt.max)
			if got != tt.want || len(got) > tt.max {
				t.Errorf("failureText = %q (%d bytes), want %q", got, len(got), tt.want)
			}
		})
	}
}

func TestTailBuffer(t *testing.T) {
	b := newTailBuffer(8)
	for _, w := range []string{"abc", "defgh", "ij", "0123456789ABC"} {
		b.Write([]byte(w))
	}
	if got := b.String(); got != "56789ABC" {
		t.Errorf("tail %q", got)
	}
}

func TestDefaultName(t *testing.T) {
	tests := []struct {
		argv []string
		want string
	}{
		{[]string{"python", "train.py", "--lr", "0.1"}, "python train.py --lr 0.1"},
		{[]string{"sh", "-c", "echo a\n\techo b\x1b[2J"}, "sh -c echo a echo b [2J"},
		{[]string{strings.Repeat("é", 150)}, strings.Repeat("é", 98) + "…"},
	}
	for _, tt := range tests {
		if got := defaultName(tt.argv); got != tt.want {
			t.Errorf("defaultName(%q) = %q, want %q", tt.argv, got, tt.want)
		}
	}
}
