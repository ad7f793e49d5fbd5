package lambdalog

import "strings"

// MaskEmail hides an email address for the log: the first character of the local part, then
// "***@" and the domain ("j***@example.com"). Without an "@" it is all hidden. The empty string
// stays empty, so that "no email" is still visible.
func MaskEmail(email string) string {
	if email == "" {
		return ""
	}
	at := strings.LastIndexByte(email, '@')
	if at <= 0 {
		return "***"
	}
	local := email[:at]
	first := local[:1]
	if first[0] >= 0x80 { // a multi-byte first character: keep it whole, never split it
		for _, r := range local {
			first = string(r)
			break
		}
	}
	return first + "***" + email[at:]
}
