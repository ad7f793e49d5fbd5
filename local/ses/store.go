package ses

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"
)

// ErrStore wraps every failure to read or clear the emulator's store.
var ErrStore = errors.New("ses: store")

// Email is one sent email as the emulator stored it.
type Email struct {
	MessageID string // SendEmail's MessageId
	From      string
	To, Cc    []string
	Bcc       []string
	ReplyTo   []string
	Subject   string
	Text      string // plain-text body; "" if none
	HTML      string // HTML body; "" if none
	Headers   map[string]string
	Time      time.Time // when it was sent, to the second
}

// Store reads the store of an aws-ses-v2-local at Endpoint: a Server's, or one of a running
// stack (`make up` prints the endpoint).
type Store struct {
	Endpoint string // http://127.0.0.1:port
	HTTP     *http.Client
}

// storeEmail is an email of GET /store.
type storeEmail struct {
	MessageID   string   `json:"messageId"`
	From        string   `json:"from"`
	ReplyTo     []string `json:"replyTo"`
	Destination struct {
		To  []string `json:"to"`
		Cc  []string `json:"cc"`
		Bcc []string `json:"bcc"`
	} `json:"destination"`
	Subject string `json:"subject"`
	Body    struct {
		Text string `json:"text"`
		HTML string `json:"html"`
	} `json:"body"`
	Headers []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"headers"`
	At int64 `json:"at"`
}

// Emails returns every email sent so far, in send order.
func (s Store) Emails(ctx context.Context) ([]Email, error) { return s.EmailsSince(ctx, time.Time{}) }

// EmailsSince returns the emails sent at or after since (the store keeps whole seconds, so an
// email of the same second as since is included).
func (s Store) EmailsSince(ctx context.Context, since time.Time) ([]Email, error) {
	u := s.Endpoint + "/store"
	if !since.IsZero() {
		u += "?since=" + url.QueryEscape(strconv.FormatInt(since.Unix(), 10))
	}
	body, err := s.do(ctx, http.MethodGet, u)
	if err != nil {
		return nil, err
	}
	var doc struct {
		Emails []storeEmail `json:"emails"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return nil, fmt.Errorf("%w: decoding %s: %w", ErrStore, u, err)
	}
	out := make([]Email, 0, len(doc.Emails))
	for _, e := range doc.Emails {
		m := Email{MessageID: e.MessageID, From: e.From, To: e.Destination.To, Cc: e.Destination.Cc, Bcc: e.Destination.Bcc,
			ReplyTo: e.ReplyTo, Subject: e.Subject, Text: e.Body.Text, HTML: e.Body.HTML, Time: time.Unix(e.At, 0).UTC()}
		if len(e.Headers) > 0 {
			m.Headers = map[string]string{}
			for _, h := range e.Headers {
				m.Headers[h.Name] = h.Value
			}
		}
		out = append(out, m)
	}
	return out, nil
}

// Clear empties the store (POST /clear-store).
func (s Store) Clear(ctx context.Context) error {
	_, err := s.do(ctx, http.MethodPost, s.Endpoint+"/clear-store")
	return err
}

func (s Store) do(ctx context.Context, method, u string) ([]byte, error) {
	hc := s.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	req, err := http.NewRequestWithContext(ctx, method, u, nil)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrStore, err)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%w: %s %s: HTTP %d: %s", ErrStore, method, u, resp.StatusCode, body)
	}
	return body, nil
}
