package alerts_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/job"
)

var at = time.Date(2026, 11, 24, 10, 15, 0, 0, time.UTC)

func alert(tr alerts.Trigger) alerts.Alert {
	p := 97.5
	a := alerts.Alert{Trigger: tr, RequestID: "resnet50-lr0.1", Name: "resnet50 lr=0.1", Status: job.InProgress, Progress: &p,
		Message: "epoch 9/10", UpdatedAt: "2026-11-24T09:50:00.000000Z", Link: alerts.JobLink("https://tracker.example.com/", "resnet50-lr0.1"), At: at}
	switch tr {
	case alerts.Succeeded:
		a.Status, a.FinishedAt = job.Success, "2026-11-24T10:14:00.000000Z"
	case alerts.Failed:
		a.Status, a.Error = job.Failed, "CUDA out of memory"
	case alerts.Stalled:
		a.Episode = a.UpdatedAt
	}
	return a
}

// TestClean: control characters, bidi controls and invisible format characters never reach a
// message; long text is cut.
func TestClean(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"line\nbreak\ttab", "line break tab"},
		{"evil\u202Egnp.exe", "evilgnp.exe"},                     // right-to-left override
		{"a\u2066b\u2069c\u200Fd\u061Ce", "abcde"},               // isolates, RLM, ALM
		{"zero\u200Bwidth\u2060joiner\uFEFF", "zerowidthjoiner"}, // ZWSP, word joiner, BOM
		{"bell\x07null\x00", "bellnull"},
		{strings.Repeat("x", alerts.MaxField+5), strings.Repeat("x", alerts.MaxField) + "…"},
	}
	for _, c := range cases {
		if got := alerts.Clean(c.in); got != c.want {
			t.Errorf("Clean(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestSlackMessage: success, failure and stall messages in Slack's format, with the attacker's
// text inert: escaped, in code (no link, no mention), no bidi; unfurling off; our link clickable.
func TestSlackMessage(t *testing.T) {
	evil := alert(alerts.Failed)
	evil.Name = "<!channel> see <https://evil.example|your bank>"
	evil.Error = "boom & `break` out \u202Eevil.example http://evil.example"
	cases := []struct {
		name  string
		a     alerts.Alert
		want  []string
		never []string
	}{
		{"success", alert(alerts.Succeeded), []string{":white_check_mark: `resnet50 lr=0.1` succeeded", "<https://tracker.example.com/jobs/resnet50-lr0.1|Open the job>"}, nil},
		{"failure", alert(alerts.Failed), []string{":x: `resnet50 lr=0.1` failed", "Error: `CUDA out of memory`", "Last message: `epoch 9/10`"}, nil},
		{"stall", alert(alerts.Stalled), []string{":hourglass: `resnet50 lr=0.1` has not reported since 2026-11-24T09:50:00.000000Z (25 min)", "still shown as running"}, nil},
		{"attacker text", evil, []string{
			"`&lt;!channel&gt; see &lt;https://evil.example|your bank&gt;` failed",
			"Error: `boom &amp; ˋbreakˋ out evil.example http://evil.example`",
		}, []string{"<!channel>", "<https://evil", "\u202E"}},
	}
	for _, c := range cases {
		body, err := alerts.SlackMessage(c.a)
		if err != nil {
			t.Fatal(err)
		}
		var msg struct {
			Text        string `json:"text"`
			UnfurlLinks *bool  `json:"unfurl_links"`
			UnfurlMedia *bool  `json:"unfurl_media"`
		}
		if err := json.Unmarshal(body, &msg); err != nil {
			t.Fatal(err)
		}
		if msg.UnfurlLinks == nil || *msg.UnfurlLinks || msg.UnfurlMedia == nil || *msg.UnfurlMedia {
			t.Errorf("%s: unfurling not off: %s", c.name, body)
		}
		for _, w := range c.want {
			if !strings.Contains(msg.Text, w) {
				t.Errorf("%s: text lacks %q:\n%s", c.name, w, msg.Text)
			}
		}
		for _, n := range c.never {
			if strings.Contains(msg.Text, n) {
				t.Errorf("%s: text has %q:\n%s", c.name, n, msg.Text)
			}
		}
	}
}

// TestWebhookSignature: the body is the documented JSON; a receiver verifies the signature and
// refuses a changed body, another secret, a stale timestamp (a replay) and a malformed header.
func TestWebhookSignature(t *testing.T) {
	secret, err := alerts.NewSecret()
	if err != nil || !strings.HasPrefix(secret, alerts.SecretPrefix) || len(secret) != len(alerts.SecretPrefix)+52 {
		t.Fatalf("NewSecret = %q, %v", secret, err)
	}
	body, err := alerts.WebhookBody(alert(alerts.Stalled))
	if err != nil {
		t.Fatal(err)
	}
	var ev alerts.WebhookEvent
	if err := json.Unmarshal(body, &ev); err != nil || ev.Type != "job.stalled" || ev.ID != "resnet50-lr0.1/stalled/2026-11-24T09:50:00.000000Z" ||
		ev.Job.URL != "https://tracker.example.com/jobs/resnet50-lr0.1" || ev.Job.Status != job.InProgress {
		t.Fatalf("body %s: %+v, %v", body, ev, err)
	}
	header := alerts.Sign(secret, at, body)
	other, _ := alerts.NewSecret()
	cases := []struct {
		name   string
		secret string
		header string
		body   []byte
		now    time.Time
		want   error
	}{
		{"valid", secret, header, body, at.Add(time.Minute), nil},
		{"changed body", secret, header, append([]byte(nil), append(body, ' ')...), at, alerts.ErrBadSignature},
		{"another secret", other, header, body, at, alerts.ErrBadSignature},
		{"replayed an hour later", secret, header, body, at.Add(time.Hour), alerts.ErrStale},
		{"from the future", secret, header, body, at.Add(-time.Hour), alerts.ErrStale},
		{"no signature", secret, "t=" + header[2:12], body, at, alerts.ErrBadSignature},
		{"garbage", secret, "nonsense", body, at, alerts.ErrBadSignature},
	}
	for _, c := range cases {
		if err := alerts.Verify(c.secret, c.header, c.body, c.now, alerts.DefaultTolerance); !errors.Is(err, c.want) && !(c.want == nil && err == nil) {
			t.Errorf("%s: Verify = %v, want %v", c.name, err, c.want)
		}
	}
}

// TestPublic: only global unicast addresses outside the reserved ranges are allowed.
func TestPublic(t *testing.T) {
	cases := map[string]bool{
		"93.184.216.34": true, "2606:4700::1111": true,
		"127.0.0.1": false, "10.0.0.1": false, "172.16.5.4": false, "192.168.1.1": false,
		"169.254.169.254": false, "fd00:ec2::254": false, "100.64.0.1": false, "0.0.0.0": false,
		"::1": false, "::": false, "::ffff:127.0.0.1": false, "::ffff:10.0.0.1": false, "64:ff9b::a00:1": false,
		"224.0.0.1": false, "255.255.255.255": false, "fe80::1": false, "198.18.0.1": false,
	}
	for s, want := range cases {
		if got := alerts.Public(netip.MustParseAddr(s)); got != want {
			t.Errorf("Public(%s) = %v, want %v", s, got, want)
		}
	}
}

// TestClientRefusals: SSRF and delivery faults. Every refused destination is refused before a
// byte reaches it; a redirect is not followed; answers are classified for retry or not.
func TestClientRefusals(t *testing.T) {
	var hits, redirected atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		switch r.URL.Path {
		case "/redirect":
			http.Redirect(w, r, "/target", http.StatusFound)
		case "/target":
			redirected.Add(1)
		case "/gone":
			w.WriteHeader(http.StatusGone)
		case "/missing":
			w.WriteHeader(http.StatusNotFound)
		case "/throttled":
			w.WriteHeader(http.StatusTooManyRequests)
		case "/broken":
			w.WriteHeader(http.StatusBadGateway)
		case "/forbidden":
			w.WriteHeader(http.StatusForbidden)
		case "/big":
			w.Write([]byte(strings.Repeat("x", 1<<20)))
		}
	}))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	cases := []struct {
		name       string
		url        string
		allowLocal bool
		want       error // nil: delivered
		reached    bool
	}{
		{"127.0.0.1 without the local setting", "https://127.0.0.1" + port + "/ok", false, alerts.ErrUnsafeURL, false},
		{"plain http without the local setting", "http://example.com/hook", false, alerts.ErrUnsafeURL, false},
		{"10.0.0.1", "https://10.0.0.1/hook", false, alerts.ErrUnsafeURL, false},
		{"the metadata service", "https://169.254.169.254/latest/meta-data/", false, alerts.ErrUnsafeURL, false},
		{"a name that resolves to loopback", "https://localhost" + port + "/ok", false, alerts.ErrUnsafeURL, false},
		{"a name that resolves to loopback, over http with the local setting off", "http://localhost" + port + "/ok", false, alerts.ErrUnsafeURL, false},
		{"user info", "https://user:pw@example.com/", false, alerts.ErrUnsafeURL, false},
		{"10.0.0.1 even with the local setting", "http://10.0.0.1" + port + "/hook", true, alerts.ErrUnsafeURL, false},
		{"a redirect is not followed", srv.URL + "/redirect", true, alerts.ErrRejected, true},
		{"410", srv.URL + "/gone", true, alerts.ErrGone, true},
		{"404", srv.URL + "/missing", true, alerts.ErrGone, true},
		{"429", srv.URL + "/throttled", true, alerts.ErrRetry, true},
		{"502", srv.URL + "/broken", true, alerts.ErrRetry, true},
		{"403", srv.URL + "/forbidden", true, alerts.ErrRejected, true},
		{"a huge answer is read only in part", srv.URL + "/big", true, nil, true},
		{"the local receiver with the local setting", srv.URL + "/ok", true, nil, true},
	}
	for _, c := range cases {
		before := hits.Load()
		err := alerts.NewClient(c.allowLocal).Post(context.Background(), c.url, []byte(`{}`), http.Header{"Content-Type": {"application/json"}})
		if (c.want == nil) != (err == nil) || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("%s: Post = %v, want %v", c.name, err, c.want)
		}
		if reached := hits.Load() > before; reached != c.reached {
			t.Errorf("%s: reached the server %v, want %v", c.name, reached, c.reached)
		}
	}
	if redirected.Load() != 0 {
		t.Error("a redirect was followed")
	}
	if err := alerts.NewClient(true).Post(context.Background(), srv.URL, make([]byte, alerts.MaxBody+1), nil); !errors.Is(err, alerts.ErrRejected) {
		t.Errorf("an oversized body: %v, want refused before sending", err)
	}
}

// TestTimeoutIsRetried: an endpoint that does not answer in time is a retry, not a loss.
func TestTimeoutIsRetried(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithCancel(context.Background())
	cancel() // the deadline has passed: the same path as a timeout, without waiting for one
	if err := alerts.NewClient(true).Post(ctx, srv.URL, []byte(`{}`), nil); !errors.Is(err, alerts.ErrRetry) {
		t.Errorf("Post past its deadline = %v, want ErrRetry", err)
	}
}

// TestLimiter: a burst, then one per period, per user.
func TestLimiter(t *testing.T) {
	l := &alerts.Limiter{Burst: 3, Every: time.Second}
	got := ""
	for range 5 {
		if l.Allow("ada", at) {
			got += "y"
		} else {
			got += "n"
		}
	}
	if got != "yyynn" || !l.Allow("bob", at) || l.Allow("ada", at.Add(500*time.Millisecond)) || !l.Allow("ada", at.Add(1100*time.Millisecond)) {
		t.Errorf("limiter: %s and the refill wrong", got)
	}
}

// TestEmailText: an email keeps a job's line breaks but not its bidi or invisible characters,
// and its HTML part cannot turn the job's text into a link.
func TestEmailText(t *testing.T) {
	in := "Traceback:\n\tsee https://evil.example/x?a=1 or mail a@evil.example\u202E<b>"
	if got, want := alerts.StripInvisible(in), "Traceback:\n\tsee https://evil.example/x?a=1 or mail a@evil.example<b>"; got != want {
		t.Errorf("StripInvisible = %q, want %q", got, want)
	}
	got := alerts.HTMLText(in)
	for _, never := range []string{"https://", "evil.example", "a@evil", "<b>", "\u202E"} {
		if strings.Contains(got, never) {
			t.Errorf("HTMLText kept %q: %s", never, got)
		}
	}
	if !strings.Contains(got, "https:<span></span>//evil.<span></span>example") || !strings.Contains(got, "&lt;b&gt;") {
		t.Errorf("HTMLText = %s", got)
	}
}
