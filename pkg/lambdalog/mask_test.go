package lambdalog

import "testing"

func TestMaskEmail(t *testing.T) {
	for in, want := range map[string]string{
		"jane.doe@example.com": "j***@example.com",
		"j@example.com":        "j***@example.com",
		"@example.com":         "***",
		"no-at-sign":           "***",
		"":                     "",
		"a@b@example.com":      "a***@example.com",
		"élodie@example.fr":    "é***@example.fr",
	} {
		if got := MaskEmail(in); got != want {
			t.Errorf("MaskEmail(%q) = %q, want %q", in, got, want)
		}
	}
}
