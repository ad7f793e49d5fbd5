package browsertest

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/trainstatus/trainstatus/local/receiver"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// TestAlertSettings runs issue 22's page against the real stack and its alert receiver: a
// webhook set to the receiver and routed for stalled jobs is saved; its signing secret is shown
// once; "Send a test" posts a test alert the receiver got, with a signature that verifies with
// that secret; the API holds the routes the page set; a channel the server marked broken is
// shown as such, and saving it again clears the mark.
func TestAlertSettings(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "alerts")
	ctx := e.tab(t, 2*time.Minute)
	grantClipboard(t, ctx, e.state.HTTPEndpoint)
	e.signIn(t, ctx, u, "/")
	waitText(t, ctx, "main h1", "My jobs")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#alerts-link`)))
	waitText(t, ctx, "main h1", "Alerts")
	// No routes saved: every trigger by email.
	waitJS(t, ctx, "the defaults", `['succeeded','failed','stalled'].every(t => document.getElementById('route-'+t+'-email').checked) && document.getElementById('webhook-state').textContent === 'Not set.'`)
	e.axeCheck(t, ctx, "alerts")

	hookPath := "/hook/" + uniqueName("page")
	hook := strings.TrimSuffix(e.state.ReceiverEndpoint, "/") + hookPath
	// The keyboard: the stalled x webhook box (Space), the URL, Enter saves.
	do(t, ctx, chromedp.Focus(chromedp.CSS(`#route-stalled-webhook`)), chromedp.KeyEvent(" "),
		chromedp.Focus(chromedp.CSS(`#webhook-url`)), chromedp.KeyEvent(hook), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the secret shown", `!document.getElementById('hooksecret').hidden && document.getElementById('hooksecret-value').textContent.length > 0`)
	waitText(t, ctx, "#hooksecret", "you will not see this again")
	secret := eval[string](t, ctx, `document.getElementById('hooksecret-value').textContent`)
	e.axeCheck(t, ctx, "alerts (webhook secret)")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#hooksecret button.copy`)))
	waitText(t, ctx, "#hooksecret button.copy", "Copied")
	if got := eval[string](t, ctx, `navigator.clipboard.readText()`); got != secret {
		t.Errorf("the clipboard holds %q, want the secret", got)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#hooksecret-done`)))
	waitJS(t, ctx, "the secret gone", `document.getElementById('hooksecret').hidden && !document.body.innerHTML.includes(`+jsString(secret)+`)`)

	code, body := e.apiSend(t, u, "GET", "/me/alerts", "")
	var saved statusapi.AlertSettings
	if code != 200 || json.Unmarshal([]byte(body), &saved) != nil || saved.WebhookURL != hook || !saved.WebhookSecretSet ||
		strings.Join(saved.Routes["stalled"], ",") != "email,webhook" || strings.Join(saved.Routes["failed"], ",") != "email" {
		t.Fatalf("GET /me/alerts after saving: %d %s", code, body)
	}
	if strings.Contains(body, secret) {
		t.Error("GET /me/alerts repeats the secret")
	}

	// "Send a test": the receiver got a test alert signed with the secret shown.
	do(t, ctx, chromedp.Click(chromedp.CSS(`#test-webhook`)))
	waitText(t, ctx, "#test-webhook-result", "Sent")
	var got *receiver.Post
	for _, p := range e.st.Receiver().Posts() {
		if p.Path == hookPath {
			got = &p
		}
	}
	if got == nil {
		t.Fatalf("the receiver has no post at %s: %+v", hookPath, e.st.Receiver().Posts())
	}
	if err := alerts.Verify(secret, got.Signature, got.Body, time.Now(), alerts.DefaultTolerance); err != nil {
		t.Errorf("the test alert's signature %q does not verify with the secret shown: %v", got.Signature, err)
	}

	// A channel the server marked broken (as the notifier does after repeated 404/410) shows so.
	users := ddb.NewTable(ddbtest.NewClient(e.state.DynamoDBEndpoint), e.state.UserTable, tables.UserSchema)
	if err := users.Update(ddb.Key{Partition: u.Sub}).Set(tables.AttrWebhookBrokenAt, job.FormatTime(time.Now())).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(e.pageURL("/alerts")))
	waitText(t, ctx, "#webhook-state", "Broken")
	waitJS(t, ctx, "the URL marked invalid", `document.getElementById('webhook-url').getAttribute('aria-invalid') === 'true'`)
	e.axeCheck(t, ctx, "alerts (broken webhook)")
	screenshot(t, ctx, "alerts-desktop", desktop, "light")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#save-alerts`)))
	waitText(t, ctx, "#webhook-state", "Saved.")
	if code, body := e.apiSend(t, u, "GET", "/me/alerts", ""); code != 200 || strings.Contains(body, `"broken"`) || strings.Contains(body, `"webhook_secret"`) {
		t.Errorf("GET /me/alerts after saving the broken webhook again: %d %s (want no broken mark, no new secret)", code, body)
	}
	checkWidths(t, ctx, "alerts")
}
