package deadletter

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"maps"
	"slices"
)

// bodyMD5 is the MD5OfMessageBody SQS returns for body.
func bodyMD5(body string) string {
	sum := md5.Sum([]byte(body))
	return hex.EncodeToString(sum[:])
}

// attributesMD5 is the MD5OfMessageAttributes SQS returns for attrs: the MD5 of every attribute
// in name order, each as its name, its data type (both length-prefixed), the transport type 1
// (a string value) and its value (length-prefixed); lengths are 4-byte big-endian.
func attributesMD5(attrs map[string]Attribute) string {
	h := md5.New()
	field := func(s string) {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(s))))
		h.Write([]byte(s))
	}
	for _, name := range slices.Sorted(maps.Keys(attrs)) {
		field(name)
		field(attrs[name].DataType)
		h.Write([]byte{1})
		field(attrs[name].StringValue)
	}
	return hex.EncodeToString(h.Sum(nil))
}
