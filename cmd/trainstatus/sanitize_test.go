package main

import (
	"encoding/json"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain text unchanged", "epoch 3/10: loss 0.25 — ok ✓", "epoch 3/10: loss 0.25 — ok ✓"},
		{"tab and newline kept", "a\tb\nc", "a\tb\nc"},
		{"ESC of a colour sequence", "\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"CSI that clears the screen", "\x1b[2J\x1b[H", "[2J[H"},
		{"OSC window title ended by BEL", "\x1b]0;pwned\x07rest", "]0;pwnedrest"},
		{"BEL alone", "ding\a", "ding"},
		{"CR overwriting a line", "100% done\rfailed", "100% donefailed"},
		{"backspace, NUL, form feed, vertical tab", "a\bb\x00c\fd\ve", "abcde"},
		{"DEL", "a\x7fb", "ab"},
		{"C1 CSI U+009B", "\u009b2J", "2J"},
		{"C1 NEL U+0085 and OSC U+009D", "a\u0085b\u009dc", "abc"},
		{"C1 bounds U+0080 and U+009F", "\u0080x\u009f", "x"},
		{"U+00A0 is not a control", "a\u00a0b", "a\u00a0b"},
		{"a raw 8-bit CSI byte is invalid UTF-8", "a\x9b2Jb", "a\ufffd2Jb"},
		{"invalid UTF-8", "ok\xff\xfe", "ok\ufffd\ufffd"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := sanitize(tt.in); got != tt.want {
				t.Fatalf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestEscapeC1(t *testing.T) {
	tests := []struct {
		name string
		in   string // a value encoding/json writes with raw C1 or DEL
		want string
	}{
		{"CSI", "a\u009b2J", `"a\u009b2J"`},
		{"DEL and the C1 bounds", "\x7f\u0080\u009f", `"\u007f\u0080\u009f"`},
		{"C0 already escaped by encoding/json", "\x1b\a", `"\u001b\u0007"`},
		{"nothing to do", "épochs ✓", `"épochs ✓"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			got := escapeC1(b)
			if string(got) != tt.want {
				t.Fatalf("escapeC1(%s) = %s, want %s", b, got, tt.want)
			}
			var back string
			if err := json.Unmarshal(got, &back); err != nil || back != tt.in {
				t.Fatalf("decodes to %q, %v; want %q", back, err, tt.in)
			}
		})
	}
}
