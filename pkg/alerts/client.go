package alerts

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// Limits of the outbound client.
const (
	// Timeout bounds a whole delivery: connect, TLS, request and answer.
	Timeout = 5 * time.Second
	// MaxBody bounds what is sent; MaxAnswer what is read of an answer (the rest is dropped).
	MaxBody   = 64 << 10
	MaxAnswer = 4 << 10
	// MaxURL bounds a channel's URL.
	MaxURL = 2048
)

// Errors of a delivery. Each says what to do with the alert.
var (
	// ErrUnsafeURL: the URL is not one alerts may go to (scheme, form, an address that is not
	// public, after resolution). Permanent: counted and logged; the settings must change.
	ErrUnsafeURL = errors.New("alerts: refused URL")
	// ErrRetry: throttled (429), a 5xx, a timeout or a failed connection: try again later.
	ErrRetry = errors.New("alerts: delivery failed; may succeed later")
	// ErrGone: 404 or 410: the endpoint no longer exists. Permanent; repeated ones mark the
	// channel broken.
	ErrGone = errors.New("alerts: the endpoint is gone")
	// ErrRejected: another answer that will not change on retry (a 3xx, which is not followed,
	// or a 4xx). Permanent: counted and logged.
	ErrRejected = errors.New("alerts: the endpoint refused the alert")
)

// Client posts alerts to users' URLs, and only to public addresses.
type Client struct {
	http       *http.Client
	allowLocal bool
}

// NewClient returns the outbound client. allowLocal is the local stack's setting: it allows
// plain http:// and loopback addresses (the stack's own receiver on 127.0.0.1), and nothing else
// more; it is never set when deployed.
func NewClient(allowLocal bool) *Client {
	dialer := &net.Dialer{Timeout: 3 * time.Second, Control: func(network, address string, _ syscall.RawConn) error {
		return checkDial(address, allowLocal)
	}}
	transport := &http.Transport{
		Proxy:                 nil, // never through a proxy named by the environment
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   3 * time.Second,
		ResponseHeaderTimeout: Timeout,
		MaxIdleConns:          10,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &Client{allowLocal: allowLocal, http: &http.Client{
		Transport: transport,
		Timeout:   Timeout,
		// Never followed: a redirect could point anywhere, and is the receiver's mistake.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// checkDial is the dialer's last word, on the address it is about to connect to (after DNS):
// a name that resolves to a private address is refused here.
func checkDial(address string, allowLocal bool) error {
	host, _, err := net.SplitHostPort(address)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrUnsafeURL, address)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("%w: %s", ErrUnsafeURL, address)
	}
	if Public(ip) || (allowLocal && ip.Unmap().IsLoopback()) {
		return nil
	}
	return fmt.Errorf("%w: %s is not a public address", ErrUnsafeURL, ip)
}

// CheckURL says whether raw is a URL alerts may be posted to, before any connection: https
// (http only with the local setting), no user info, a host, at most MaxURL bytes, and not an
// address literal that is not public. A name's addresses are checked when connecting.
func CheckURL(raw string, allowLocal bool) (*url.URL, error) {
	if len(raw) > MaxURL {
		return nil, fmt.Errorf("%w: longer than %d bytes", ErrUnsafeURL, MaxURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrUnsafeURL, err)
	}
	switch {
	case u.Scheme != "https" && !(allowLocal && u.Scheme == "http"):
		return nil, fmt.Errorf("%w: want an https:// URL", ErrUnsafeURL)
	case u.User != nil:
		return nil, fmt.Errorf("%w: user info in the URL", ErrUnsafeURL)
	case u.Hostname() == "" || u.Opaque != "":
		return nil, fmt.Errorf("%w: no host", ErrUnsafeURL)
	}
	if ip, err := netip.ParseAddr(strings.Trim(u.Hostname(), "[]")); err == nil && !Public(ip) && !(allowLocal && ip.Unmap().IsLoopback()) {
		return nil, fmt.Errorf("%w: %s is not a public address", ErrUnsafeURL, ip)
	}
	return u, nil
}

// Post sends body to raw with the given headers, and classifies the answer: nil for a 2xx, else
// one of ErrUnsafeURL, ErrRetry, ErrGone or ErrRejected (wrapped, with the status).
func (c *Client) Post(ctx context.Context, raw string, body []byte, header http.Header) error {
	if len(body) > MaxBody {
		return fmt.Errorf("%w: body of %d bytes over %d", ErrRejected, len(body), MaxBody)
	}
	u, err := CheckURL(raw, c.allowLocal)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrUnsafeURL, err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("User-Agent", "trainstatus-alerts/1")
	resp, err := c.http.Do(req)
	if err != nil {
		if errors.Is(err, ErrUnsafeURL) {
			return err
		}
		return fmt.Errorf("%w: %v", ErrRetry, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, MaxAnswer))
	return Classify(resp.StatusCode)
}

// Classify is the fate of an answer's status code.
func Classify(status int) error {
	switch {
	case status >= 200 && status < 300:
		return nil
	case status == http.StatusTooManyRequests || status >= 500:
		return fmt.Errorf("%w: HTTP %d", ErrRetry, status)
	case status == http.StatusNotFound || status == http.StatusGone:
		return fmt.Errorf("%w: HTTP %d", ErrGone, status)
	}
	return fmt.Errorf("%w: HTTP %d", ErrRejected, status)
}
