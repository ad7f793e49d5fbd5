package main

import "github.com/trainstatus/trainstatus/pkg/trainevent"

// validRequestID applies the training event's rule for request_id: 1 to
// trainevent.MaxRequestIDLen characters of A-Za-z0-9._:- (pkg/trainevent keeps its check
// unexported; FuzzParsePath proves both agree).
func validRequestID(s string) bool {
	if s == "" || len(s) > trainevent.MaxRequestIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' ||
			c == '.' || c == '_' || c == ':' || c == '-') {
			return false
		}
	}
	return true
}
