package deadletter

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// MaxMessageBytes is the size of a message SQS accepts on any queue: the body plus every message
// attribute's name, data type and value. (A queue may be configured for more; a dead-letter
// message is made to fit this, so that it fits every queue.)
const MaxMessageBytes = 256 << 10

// EmptyBodyPlaceholder is the body of the dead-letter message of a message whose body was empty:
// SQS refuses an empty body, so the original cannot be sent as it is.
const EmptyBodyPlaceholder = "(empty body)"

// fitBody returns the body to send for the original body, and adds to attrs what a reader needs
// to know when it is not the original: an empty body becomes EmptyBodyPlaceholder, and a body
// that does not fit in MaxMessageBytes beside attrs is cut (at a character boundary) to what
// fits. Either way attrs gains AttrOriginalBodySize and AttrOriginalBodySHA256 of the original,
// so that it can be matched with the sender's copy.
func fitBody(body string, attrs map[string]Attribute) string {
	if body != "" && len(body)+attributesSize(attrs) <= MaxMessageBytes {
		return body
	}
	sum := sha256.Sum256([]byte(body))
	attrs[AttrOriginalBodySize] = number(len(body))
	attrs[AttrOriginalBodySHA256] = str(hex.EncodeToString(sum[:]))
	if body == "" {
		return EmptyBodyPlaceholder
	}
	cut := max(MaxMessageBytes-attributesSize(attrs), 0)
	for cut > 0 && !utf8.RuneStart(body[cut]) {
		cut--
	}
	return body[:cut]
}

// attributesSize is what attrs count towards MaxMessageBytes, as SQS counts it: each name, data
// type and value.
func attributesSize(attrs map[string]Attribute) int {
	n := 0
	for name, v := range attrs {
		n += len(name) + len(v.DataType) + len(v.StringValue)
	}
	return n
}
