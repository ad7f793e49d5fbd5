package ddb

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CursorCodec turns DynamoDB's LastEvaluatedKey into an opaque, tamper-evident page cursor and
// back. A cursor is the key's attributes as JSON, base64url-encoded, then a dot and an HMAC-SHA256
// over the cursor and its scope (table, index, partition value, order). A cursor that was changed,
// cut short or made for another query (another user's partition, say) fails with
// ErrInvalidCursor. The cursor is signed, not encrypted: it reveals the key of the last item of
// the page, which the page itself already showed.
type CursorCodec struct {
	secret []byte
}

var strictBase64 = base64.RawURLEncoding.Strict()

// MinCursorSecret is the shortest HMAC key NewCursorCodec accepts, in bytes.
const MinCursorSecret = 32

// NewCursorCodec returns a codec that signs with secret (at least MinCursorSecret bytes). Every
// instance that must accept a cursor needs the same secret.
func NewCursorCodec(secret []byte) (*CursorCodec, error) {
	if len(secret) < MinCursorSecret {
		return nil, fmt.Errorf("ddb: cursor secret has %d bytes; at least %d are needed", len(secret), MinCursorSecret)
	}
	return &CursorCodec{secret: append([]byte(nil), secret...)}, nil
}

// encode signs key for scope.
func (c *CursorCodec) encode(key map[string]types.AttributeValue, scope string) (string, error) {
	plain := make(map[string]any, len(key))
	dec := attributevalue.NewDecoder(func(o *attributevalue.DecoderOptions) { o.UseNumber = true })
	for name, av := range key {
		var v any
		if err := dec.Decode(av, &v); err != nil {
			return "", err
		}
		if n, ok := v.(attributevalue.Number); ok {
			v = string(n) // kept as text so it round-trips without loss; the schema knows it is N
		}
		plain[name] = v
	}
	payload, err := json.Marshal(plain)
	if err != nil {
		return "", err
	}
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(c.mac(body, scope)), nil
}

// decode checks cursor against scope and returns the key, typed by keyType.
func (c *CursorCodec) decode(cursor, scope string, keyType func(string) (AttributeType, bool)) (map[string]types.AttributeValue, error) {
	body, sig, ok := strings.Cut(cursor, ".")
	if !ok || strings.ContainsAny(cursor, "\r\n") {
		return nil, ErrInvalidCursor
	}
	// Strict decoding: exactly one spelling of a cursor is accepted (no line breaks, no
	// non-zero padding bits), so a cursor cannot be varied without breaking its signature.
	got, err := strictBase64.DecodeString(sig)
	if err != nil || !hmac.Equal(got, c.mac(body, scope)) {
		return nil, ErrInvalidCursor
	}
	payload, err := strictBase64.DecodeString(body)
	if err != nil {
		return nil, ErrInvalidCursor
	}
	var plain map[string]any
	if err := json.Unmarshal(payload, &plain); err != nil || len(plain) == 0 {
		return nil, ErrInvalidCursor
	}
	key := make(map[string]types.AttributeValue, len(plain))
	for name, v := range plain {
		t, ok := keyType(name)
		s, isString := v.(string)
		if !ok || !isString {
			return nil, ErrInvalidCursor
		}
		var value any = s
		switch t {
		case types.ScalarAttributeTypeN:
			value = attributevalue.Number(s)
		case types.ScalarAttributeTypeB:
			b, err := base64.StdEncoding.DecodeString(s)
			if err != nil {
				return nil, ErrInvalidCursor
			}
			value = b
		}
		av, err := attributevalue.Marshal(value)
		if err != nil {
			return nil, errors.Join(ErrInvalidCursor, err)
		}
		key[name] = av
	}
	return key, nil
}

func (c *CursorCodec) mac(body, scope string) []byte {
	h := hmac.New(sha256.New, c.secret)
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write([]byte(body))
	return h.Sum(nil)
}
