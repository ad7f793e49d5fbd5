package ddb

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// CursorCodec turns DynamoDB's LastEvaluatedKey into an opaque, tamper-evident page cursor that
// expires, and back.
//
// A cursor is a JSON payload (the key's attributes and the time the cursor was issued),
// base64url-encoded, then a dot and an HMAC-SHA256 over the cursor's scope (table, index,
// partition value, order) and the payload. It is refused with an error wrapping ErrInvalidCursor
// when it was changed, cut short, made for another query (another user's partition, say), signed
// with a key the codec does not hold, or issued more than the maximum age ago (ErrCursorExpired,
// which also matches ErrInvalidCursor). The cursor is signed, not encrypted: it reveals the key of
// the last item of the page, which the page itself already showed, and when the page was read.
//
// # Keys and their rotation
//
// A codec signs with one key, the current one, and accepts cursors signed with the current key or
// with the previous one (WithPreviousSecret), so that a key can be replaced without breaking the
// pages clients hold open. Because cursors expire (WithMaxAge, DefaultCursorMaxAge), a previous
// key is needed only for the maximum age after a rotation. To rotate:
//
//  1. Generate a new key (at least MinCursorSecret random bytes).
//  2. Deploy every instance with the new key as the current one and the old key as the previous
//     one. From now on cursors are signed with the new key; the old key's cursors still work.
//     (During the deploy, an instance still on the old configuration refuses the new key's
//     cursors for a few seconds; to avoid even that, first deploy the new key as the previous
//     one, so that every instance accepts it, then swap the two.)
//  3. After the maximum age, remove the previous key: no cursor it signed is still accepted
//     anyway. A key that leaked is removed at once instead, at the price of the open pages
//     (their clients get ErrInvalidCursor and start again from the first page).
//
// Every instance that serves a query must hold the same keys.
type CursorCodec struct {
	// keys are the accepted keys, the current (signing) one first.
	keys   [][]byte
	maxAge time.Duration
	now    func() time.Time
}

// MinCursorSecret is the shortest key a codec accepts, in bytes: the output size of SHA-256, the
// shortest HMAC-SHA256 key that carries the hash's full strength (RFC 2104, section 3).
const MinCursorSecret = sha256.Size

// DefaultCursorMaxAge is how long a cursor is accepted after it was issued, unless WithMaxAge says
// otherwise: a day, ample for anyone reading page after page, short enough that a cursor found
// later (in a log, a browser history) is worth nothing and a rotated key is soon retired.
const DefaultCursorMaxAge = 24 * time.Hour

// cursorClockSkew is how far in the future a cursor's issue time may be: instances' clocks differ
// a little, and a cursor issued by one may reach another at once.
const cursorClockSkew = time.Minute

var (
	// ErrCursorConfig: a cursor key is too short, or a codec option is out of range. NewCursorCodec
	// refuses it, so that a weak key fails at start-up rather than signing anything.
	ErrCursorConfig = errors.New("ddb: unusable cursor key")
	// ErrCursorExpired: the cursor was issued longer ago than the codec's maximum age. It matches
	// ErrInvalidCursor too.
	ErrCursorExpired = fmt.Errorf("%w: expired", ErrInvalidCursor)
)

// CursorOption configures a CursorCodec.
type CursorOption func(*CursorCodec) error

// WithPreviousSecret makes the codec also accept cursors signed with secret, the key before the
// last rotation (never used to sign). An empty secret means there is none.
func WithPreviousSecret(secret []byte) CursorOption {
	return func(c *CursorCodec) error {
		if len(secret) == 0 {
			return nil
		}
		if err := checkSecret("previous", secret); err != nil {
			return err
		}
		c.keys = append(c.keys, append([]byte(nil), secret...))
		return nil
	}
}

// WithMaxAge sets how long after it was issued a cursor is accepted (DefaultCursorMaxAge if not
// set). It must be positive.
func WithMaxAge(d time.Duration) CursorOption {
	return func(c *CursorCodec) error {
		if d <= 0 {
			return fmt.Errorf("%w: maximum age %v must be positive", ErrCursorConfig, d)
		}
		c.maxAge = d
		return nil
	}
}

// WithClock sets the clock that stamps and ages cursors (time.Now if not set), for tests.
func WithClock(now func() time.Time) CursorOption {
	return func(c *CursorCodec) error {
		c.now = now
		return nil
	}
}

// NewCursorCodec returns a codec that signs with secret (at least MinCursorSecret bytes), the
// current key. An unusable key or option is an error wrapping ErrCursorConfig; the error never
// shows a key.
func NewCursorCodec(secret []byte, opts ...CursorOption) (*CursorCodec, error) {
	if err := checkSecret("current", secret); err != nil {
		return nil, err
	}
	c := &CursorCodec{keys: [][]byte{append([]byte(nil), secret...)}, maxAge: DefaultCursorMaxAge, now: time.Now}
	for _, opt := range opts {
		if err := opt(c); err != nil {
			return nil, err
		}
	}
	return c, nil
}

func checkSecret(which string, secret []byte) error {
	if len(secret) < MinCursorSecret {
		return fmt.Errorf("%w: the %s key has %d bytes; at least %d are needed", ErrCursorConfig, which, len(secret), MinCursorSecret)
	}
	return nil
}

// cursorPayload is what a cursor carries: the key of the last item read, and when it was issued.
type cursorPayload struct {
	Key map[string]any `json:"k"`
	// Issued is the issue time in Unix seconds.
	Issued int64 `json:"t"`
}

var strictBase64 = base64.RawURLEncoding.Strict()

// encode signs key for scope, with the current key, stamped with the current time.
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
	payload, err := json.Marshal(cursorPayload{Key: plain, Issued: c.now().Unix()})
	if err != nil {
		return "", err
	}
	body := base64.RawURLEncoding.EncodeToString(payload)
	return body + "." + base64.RawURLEncoding.EncodeToString(mac(c.keys[0], body, scope)), nil
}

// decode checks cursor against scope, the codec's keys and its maximum age, and returns the key,
// typed by keyType.
func (c *CursorCodec) decode(cursor, scope string, keyType func(string) (AttributeType, bool)) (map[string]types.AttributeValue, error) {
	body, sig, ok := strings.Cut(cursor, ".")
	if !ok || strings.ContainsAny(cursor, "\r\n") {
		return nil, ErrInvalidCursor
	}
	// Strict decoding: exactly one spelling of a cursor is accepted (no line breaks, no
	// non-zero padding bits), so a cursor cannot be varied without breaking its signature.
	got, err := strictBase64.DecodeString(sig)
	if err != nil || !c.signedByAKey(got, body, scope) {
		return nil, ErrInvalidCursor
	}
	payload, err := strictBase64.DecodeString(body)
	if err != nil {
		return nil, ErrInvalidCursor
	}
	var p cursorPayload
	if err := json.Unmarshal(payload, &p); err != nil || len(p.Key) == 0 || p.Issued <= 0 {
		return nil, ErrInvalidCursor
	}
	issued, now := time.Unix(p.Issued, 0), c.now()
	switch {
	case now.Sub(issued) > c.maxAge:
		return nil, ErrCursorExpired
	case issued.Sub(now) > cursorClockSkew:
		return nil, ErrInvalidCursor // only a key holder with a wrong clock can make one
	}
	key := make(map[string]types.AttributeValue, len(p.Key))
	for name, v := range p.Key {
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

// signedByAKey reports whether sig is the signature of body for scope by one of the accepted keys.
// Every key is tried, so the time taken does not say which one matched.
func (c *CursorCodec) signedByAKey(sig []byte, body, scope string) bool {
	ok := false
	for _, k := range c.keys {
		if hmac.Equal(sig, mac(k, body, scope)) {
			ok = true
		}
	}
	return ok
}

func mac(key []byte, body, scope string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(scope))
	h.Write([]byte{0})
	h.Write([]byte(body))
	return h.Sum(nil)
}
