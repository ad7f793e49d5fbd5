package alerts

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// WebhookEvent is the JSON body of a webhook alert (README, "Webhooks").
type WebhookEvent struct {
	// ID is the alert's identity (Alert.ID): the same for every delivery of the same alert.
	ID string `json:"id"`
	// Type is "job.succeeded", "job.failed" or "job.stalled".
	Type      string     `json:"type"`
	CreatedAt string     `json:"created_at"`
	Job       WebhookJob `json:"job"`
}

// WebhookJob is the job an alert is about, as of the alert.
type WebhookJob struct {
	RequestID  string     `json:"request_id"`
	Name       string     `json:"name,omitempty"`
	Status     job.Status `json:"status"`
	Progress   *float64   `json:"progress,omitempty"`
	Message    string     `json:"message,omitempty"`
	Error      string     `json:"error,omitempty"`
	UpdatedAt  string     `json:"updated_at"`
	FinishedAt string     `json:"finished_at,omitempty"`
	URL        string     `json:"url"`
}

// WebhookBody is the alert's webhook body.
func WebhookBody(a Alert) ([]byte, error) {
	return json.Marshal(WebhookEvent{
		ID: a.ID(), Type: "job." + string(a.Trigger), CreatedAt: job.FormatTime(a.At),
		Job: WebhookJob{RequestID: a.RequestID, Name: Clean(a.Name), Status: a.Status, Progress: a.Progress,
			Message: Clean(a.Message), Error: Clean(a.Error), UpdatedAt: a.UpdatedAt, FinishedAt: a.FinishedAt, URL: a.Link},
	})
}

// SignatureHeader carries a webhook's signature: "t=<unix seconds>,v1=<hex HMAC-SHA256 of
// secret over t + "." + body>".
const SignatureHeader = "Trainstatus-Signature"

// SecretPrefix starts every webhook secret.
const SecretPrefix = "whsec_"

// NewSecret makes a webhook secret: SecretPrefix and 32 random bytes in lower-case base32.
func NewSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return SecretPrefix + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b)), nil
}

// Sign is the signature header's value for body sent at t.
func Sign(secret string, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + mac(secret, ts, body)
}

func mac(secret, ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of Verify.
var (
	ErrBadSignature = errors.New("alerts: webhook signature missing or wrong")
	ErrStale        = errors.New("alerts: webhook timestamp outside the tolerance (a replay?)")
)

// DefaultTolerance is how far a webhook's timestamp may be from the receiver's clock.
const DefaultTolerance = 5 * time.Minute

// Verify is what a receiver does: the header must carry a timestamp within tolerance of now and a
// v1 signature of the body under secret (compared in constant time). A receiver that also keeps
// the ids it has seen (WebhookEvent.ID) for the tolerance refuses every replay.
func Verify(secret, header string, body []byte, now time.Time, tolerance time.Duration) error {
	var ts string
	var sigs []string
	for _, part := range strings.Split(header, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "t":
			ts = v
		case "v1":
			sigs = append(sigs, v)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrBadSignature
	}
	want := mac(secret, ts, body)
	ok := false
	for _, s := range sigs {
		ok = ok || hmac.Equal([]byte(s), []byte(want))
	}
	if !ok {
		return ErrBadSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return fmt.Errorf("%w: signed at %d, now %d", ErrStale, sec, now.Unix())
	}
	return nil
}
