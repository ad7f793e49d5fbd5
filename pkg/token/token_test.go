package token

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNewSecret(t *testing.T) {
	s, err := New(bytes.NewReader(make([]byte, RandomBytes)))
	if err != nil {
		t.Fatal(err)
	}
	if want := Secret("tsk_" + strings.Repeat("a", 32)); s != want {
		t.Errorf("zero bytes give %q, want %q", s.Reveal(), want.Reveal())
	}
	sum := sha256.Sum256([]byte(s.Reveal()))
	if s.Hash() != hex.EncodeToString(sum[:]) || s.ID() != s.Hash()[:16] || s.DisplayPrefix() != "tsk_aaaa" {
		t.Errorf("hash %s id %s prefix %s", s.Hash(), s.ID(), s.DisplayPrefix())
	}
	if _, err := New(bytes.NewReader(make([]byte, RandomBytes-1))); err == nil {
		t.Error("a short read made a secret")
	}
	a, _ := Generate()
	b, _ := Generate()
	if a == b || len(a.Reveal()) != SecretLen {
		t.Errorf("Generate: %q, %q", a.Reveal(), b.Reveal())
	}
	if _, err := Parse(a.Reveal()); err != nil {
		t.Errorf("Parse(Generate()): %v", err)
	}
}

func TestSecretNeverPrinted(t *testing.T) {
	s, _ := Generate()
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %s %#v %+v", s, s, s, struct{ S Secret }{s}), s.String()} {
		if strings.Contains(out, s.Reveal()) || strings.Contains(out, s.Reveal()[8:]) {
			t.Errorf("printed the secret: %s", out)
		}
	}
}

func TestParse(t *testing.T) {
	good := "tsk_" + strings.Repeat("a2", 16)
	cases := []struct {
		in string
		ok bool
	}{
		{good, true},
		{"", false},
		{"tsk_", false},
		{strings.ToUpper(good), false},
		{"tsx_" + good[4:], false},
		{good + "a", false},
		{good[:35], false},
		{"tsk_" + strings.Repeat("a1", 16), false}, // 1 is not in the alphabet
		{"tsk_" + strings.Repeat("a=", 16), false},
		{"Bearer " + good, false},
	}
	for _, tc := range cases {
		_, err := Parse(tc.in)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrMalformed) {
			t.Errorf("Parse(%q) = %v, want ok %v", tc.in, err, tc.ok)
		}
	}
}

func TestValidID(t *testing.T) {
	for id, ok := range map[string]bool{"0123456789abcdef": true, "0123456789ABCDEF": false, "0123456789abcde": false,
		"0123456789abcdefa": false, "0123456789abcdeg": false, "": false} {
		if ValidID(id) != ok {
			t.Errorf("ValidID(%q) != %v", id, ok)
		}
	}
}

func TestSameHash(t *testing.T) {
	s, _ := Generate()
	if !SameHash(s.Hash(), s.Hash()) || SameHash(s.Hash(), s.Hash()[:63]+"x") || SameHash(s.Hash(), "") {
		t.Error("SameHash")
	}
}

func TestCheckName(t *testing.T) {
	cases := []struct {
		name string
		ok   bool
	}{
		{"lab-gpu-3", true},
		{"x", true},
		{strings.Repeat("é", 64), true},
		{strings.Repeat("a", 65), false},
		{"", false},
		{"tab\there", false},
		{"esc\x1b[2J", false},
		{"del\x7f", false},
		{"csi\u009b", false},
		{"bad\xff", false},
	}
	for _, tc := range cases {
		if err := CheckName(tc.name); (err == nil) != tc.ok {
			t.Errorf("CheckName(%q) = %v, want ok %v", tc.name, err, tc.ok)
		}
	}
}
