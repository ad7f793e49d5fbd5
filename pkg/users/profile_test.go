package users

import (
	"testing"

	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestFromAttributes(t *testing.T) {
	for _, tc := range []struct {
		name  string
		attrs map[string]string
		want  Profile
	}{
		{"verified, lower-cased", map[string]string{"sub": "s1", "email": "Ada@Example.COM", "email_verified": "true"},
			Profile{Sub: "s1", Email: "ada@example.com", EmailVerified: true}},
		{"not verified", map[string]string{"sub": "s1", "email": "ada@example.com", "email_verified": "false"},
			Profile{Sub: "s1", Email: "ada@example.com"}},
		{"no email_verified", map[string]string{"sub": "s1", "email": "ada@example.com"},
			Profile{Sub: "s1", Email: "ada@example.com"}},
		{"verified without an email", map[string]string{"sub": "s1", "email_verified": "true"}, Profile{Sub: "s1"}},
		{"only the word true", map[string]string{"sub": "s1", "email": "a@b.c", "email_verified": "TRUE"},
			Profile{Sub: "s1", Email: "a@b.c"}},
		{"no sub", map[string]string{"email": "a@b.c"}, Profile{Email: "a@b.c"}},
	} {
		if got := FromAttributes(tc.attrs); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestMatches(t *testing.T) {
	p := Profile{Sub: "s1", Email: "ada@example.com", EmailVerified: true}
	no := false
	for _, tc := range []struct {
		name string
		item tables.UserItem
		want bool
	}{
		{"same, other fields aside", tables.UserItem{UserID: "s1", Email: "ada@example.com", EmailVerified: true, Timestamp: "t", EmailNotifications: &no}, true},
		{"not verified", tables.UserItem{UserID: "s1", Email: "ada@example.com"}, false},
		{"other case", tables.UserItem{UserID: "s1", Email: "Ada@example.com", EmailVerified: true}, false},
		{"no email", tables.UserItem{UserID: "s1"}, false},
	} {
		if got := p.Matches(tc.item); got != tc.want {
			t.Errorf("%s: got %t, want %t", tc.name, got, tc.want)
		}
	}
}
