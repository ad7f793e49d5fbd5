package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// alertsReq is put-preferences.json turned into a request of an alert route.
func alertsReq(t testing.TB, route deploy.Route, body, user string) events.APIGatewayV2HTTPRequest {
	req := loadRequest(t, "put-preferences.json")
	req.RouteKey, req.RequestContext.RouteKey = route.Key(), route.Key()
	req.RawPath, req.RequestContext.HTTP.Path, req.RequestContext.HTTP.Method = route.Path, route.Path, route.Method
	req.Body = body
	req.RequestContext.Authorizer.JWT.Claims["sub"] = user
	return req
}

func decodeAlerts(t testing.TB, resp events.APIGatewayV2HTTPResponse) statusapi.AlertSettings {
	t.Helper()
	var s statusapi.AlertSettings
	if resp.StatusCode != http.StatusOK || json.Unmarshal([]byte(resp.Body), &s) != nil {
		t.Fatalf("answer %d %s", resp.StatusCode, resp.Body)
	}
	return s
}

// TestAlertSettings: GET shows the defaults, PUT validates and stores, the webhook secret is shown
// once, saving a URL clears its broken mark, and every refusal has its code.
func TestAlertSettings(t *testing.T) {
	f := newFixture(t)
	const alice = "2b7c9d4e-1f3a-4b5c-8d6e-7f8a9b0c1d2e"
	f.seedUser(userRecord(alice, nil))
	if got := decodeAlerts(t, f.do(alertsReq(t, deploy.GetAlertsRoute, "", alice))); len(got.Routes) != 3 || got.Routes["stalled"][0] != "email" || got.WebhookSecretSet {
		t.Errorf("defaults: %+v", got)
	}
	put := func(body string) events.APIGatewayV2HTTPResponse {
		return f.do(alertsReq(t, deploy.PutAlertsRoute, body, alice))
	}
	refusals := []struct{ name, body, code string }{
		{"unknown trigger", `{"routes":{"paused":["email"]}}`, CodeInvalidField},
		{"unknown channel", `{"routes":{"failed":["pager"]}}`, CodeInvalidField},
		{"a channel twice", `{"routes":{"failed":["email","email"]}}`, CodeInvalidField},
		{"routed without a URL", `{"routes":{"failed":["slack"]}}`, CodeInvalidField},
		{"plain http", `{"webhook_url":"http://example.com/hook"}`, CodeInvalidURL},
		{"a private address", `{"webhook_url":"https://10.0.0.1/hook"}`, CodeInvalidURL},
		{"the metadata service", `{"webhook_url":"https://169.254.169.254/latest"}`, CodeInvalidURL},
		{"loopback", `{"webhook_url":"https://127.0.0.1/hook"}`, CodeInvalidURL},
		{"not a Slack webhook", `{"slack_url":"https://example.com/services/x"}`, CodeInvalidURL},
		{"user info", `{"webhook_url":"https://u:p@example.com/"}`, CodeInvalidURL},
		{"an unknown field", `{"webhook":"https://example.com/"}`, CodeUnknownField},
	}
	for _, c := range refusals {
		if resp := put(c.body); resp.StatusCode != http.StatusBadRequest || errorCode(t, resp) != c.code {
			t.Errorf("%s: %d %s, want 400 %s", c.name, resp.StatusCode, resp.Body, c.code)
		}
	}
	saved := decodeAlerts(t, put(`{"routes":{"failed":["email","slack","webhook"],"stalled":["webhook"]},
		"slack_url":"https://hooks.slack.com/services/T0/B0/xyz","webhook_url":"https://hooks.example.com/trainstatus"}`))
	if !strings.HasPrefix(saved.WebhookSecret, alerts.SecretPrefix) || !saved.WebhookSecretSet || saved.Routes["stalled"][0] != "webhook" {
		t.Fatalf("saved %+v: want the routes and a new secret, shown", saved)
	}
	stored, _ := f.users.Get(ddb.Key{Partition: alice}).Consistent().One(context.Background())
	if stored.WebhookSecret != saved.WebhookSecret || stored.SlackURL != "https://hooks.slack.com/services/T0/B0/xyz" {
		t.Errorf("stored %+v", stored)
	}
	if again := decodeAlerts(t, f.do(alertsReq(t, deploy.GetAlertsRoute, "", alice))); again.WebhookSecret != "" || !again.WebhookSecretSet {
		t.Errorf("GET shows the secret again: %+v", again)
	}
	if err := f.users.Update(ddb.Key{Partition: alice}).Set(tables.AttrSlackBrokenAt, "2026-11-24T10:00:00.000000Z").Set(tables.AttrSlackGone, 3).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if got := decodeAlerts(t, f.do(alertsReq(t, deploy.GetAlertsRoute, "", alice))); len(got.Broken) != 1 || got.Broken[0] != "slack" {
		t.Errorf("broken %v, want slack", got.Broken)
	}
	if got := decodeAlerts(t, put(`{"slack_url":"https://hooks.slack.com/services/T0/B0/xyz"}`)); len(got.Broken) != 0 || got.WebhookSecret != "" {
		t.Errorf("saving the URL again: %+v; want slack no longer broken and no new secret", got)
	}
	if got := decodeAlerts(t, put(`{"rotate_webhook_secret":true}`)); got.WebhookSecret == "" || got.WebhookSecret == saved.WebhookSecret {
		t.Errorf("rotation gave %q", got.WebhookSecret)
	}
}

// TestAlertTest: POST /me/alerts/test posts a signed test to each channel and says what became of
// it; with the local setting off, a URL on 127.0.0.1 is refused before any connection.
func TestAlertTest(t *testing.T) {
	var mu sync.Mutex
	posts := map[string][]*http.Request{}
	bodies := map[string][]byte{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		posts[r.URL.Path] = append(posts[r.URL.Path], r)
		bodies[r.URL.Path] = b
		if r.URL.Path == "/gone" {
			w.WriteHeader(http.StatusGone)
		}
	}))
	defer srv.Close()
	f := newFixture(t)
	const bob = "3c8d0e5f-2a4b-4c6d-9e7f-8a9b0c1d2e3f"
	u := userRecord(bob, nil)
	u.SlackURL, u.WebhookURL, u.WebhookSecret = srv.URL+"/gone", srv.URL+"/hook", "whsec_test"
	f.seedUser(u)
	cases := []struct {
		name  string
		local bool
		want  map[string]string
		posts int
	}{
		{"without the local setting: refused", false, map[string]string{"slack": "refused", "webhook": "refused"}, 0},
		{"with it: sent, and a 410 says gone", true, map[string]string{"slack": "gone", "webhook": "sent"}, 2},
	}
	for _, c := range cases {
		f.h.Alerts, f.h.AllowLocal = alerts.NewClient(c.local), c.local
		resp := f.do(alertsReq(t, deploy.TestAlertsRoute, "", bob))
		var got statusapi.AlertTest
		if err := json.Unmarshal([]byte(resp.Body), &got); err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d %s", c.name, resp.StatusCode, resp.Body)
		}
		for _, r := range got.Results {
			if c.want[r.Channel] != r.Result {
				t.Errorf("%s: %s %s (%s), want %s", c.name, r.Channel, r.Result, r.Detail, c.want[r.Channel])
			}
		}
		mu.Lock()
		n := len(posts["/gone"]) + len(posts["/hook"])
		mu.Unlock()
		if n != c.posts {
			t.Errorf("%s: %d posts reached the receiver, want %d", c.name, n, c.posts)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if err := alerts.Verify("whsec_test", posts["/hook"][0].Header.Get(alerts.SignatureHeader), bodies["/hook"], time.Now(), alerts.DefaultTolerance); err != nil {
		t.Errorf("the test webhook's signature: %v", err)
	}
}

func (f *fixture) seedUser(u tables.UserItem) {
	f.t.Helper()
	if err := f.users.Put(u).Run(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}
