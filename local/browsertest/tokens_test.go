package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/token"
)

// ingest posts body to the stack's POST /v1/events with secret as the bearer token, the way a
// user's script does with curl.
func (e *env) ingest(t testing.TB, secret, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(deploy.IngestRoute.Method, e.state.HTTPEndpoint+deploy.IngestRoute.Path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+secret)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", deploy.IngestRoute.Path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// apiSend calls the status API as u with a JSON body.
func (e *env) apiSend(t testing.TB, u user, method, path, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, e.state.HTTPEndpoint+path, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+u.Token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func grantClipboard(t testing.TB, ctx context.Context, origin string) {
	t.Helper()
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted,
			Origin: origin, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEmptyStateShowsTokenWays: the empty list shows the ways to report with a reporting token
// and this stack's API URL (the page's origin), and never the user's sub.
func TestEmptyStateShowsTokenWays(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "empty")
	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/")
	waitText(t, ctx, "#empty", "No jobs yet")
	api := strings.TrimSuffix(e.state.HTTPEndpoint, "/")
	text := eval[string](t, ctx, `document.getElementById('empty').innerText`)
	for _, want := range []string{
		"trainstatus login --api-url " + api,
		"trainstatus run --name my-first-job -- python train.py",
		"import trainstatus",
		`with trainstatus.job("my-first-job") as job:`,
		"job.progress(",
		"curl -X POST " + api + deploy.IngestRoute.Path,
		`-H "Authorization: Bearer $TRAINSTATUS_REPORTING_TOKEN"`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the empty state lacks %q; it shows:\n%s", want, text)
		}
	}
	if strings.Contains(eval[string](t, ctx, `document.body.innerHTML`), u.Sub) {
		t.Errorf("the page shows the user's sub %s", u.Sub)
	}
	if !eval[bool](t, ctx, `!!document.querySelector('#empty a[href="/report"]')`) {
		t.Error("the empty state does not link to the tokens")
	}
	e.axeCheck(t, ctx, "list (empty, token ways)")
}

// TestReportingTokenPanel runs issue 19's page end to end with the keyboard: a token created on
// "Report from your code" is shown once and copied; the copied secret reports a job through the
// real POST /v1/events and the job appears in the list; the token is listed (name, prefix, last
// used) without its secret; revoked after a confirmation, the endpoint refuses it (within the
// stack's TOKEN_CACHE_TTL); at the most tokens allowed, creating one says so.
func TestReportingTokenPanel(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "tokens")
	ctx := e.tab(t, 2*time.Minute)
	grantClipboard(t, ctx, e.state.HTTPEndpoint)
	e.signIn(t, ctx, u, "/")
	waitText(t, ctx, "#empty", "No jobs yet")
	do(t, ctx, chromedp.Click(chromedp.CSS(`#report-link`)))
	waitText(t, ctx, "main h1", "Report from your code")
	waitJS(t, ctx, "no tokens yet", `!document.getElementById('notokens').hidden`)
	e.axeCheck(t, ctx, "report (no tokens)")

	// Create with the keyboard: the name, then Enter.
	do(t, ctx, chromedp.Focus(chromedp.CSS(`#tokenname`)), chromedp.KeyEvent("lab-gpu-3"), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the new secret", `!document.getElementById('secret').hidden && document.getElementById('secret-value').textContent.startsWith('tsk_')`)
	waitText(t, ctx, "#secret", "you will not see this again")
	waitJS(t, ctx, "focus on the new token's heading", `document.activeElement === document.querySelector('#secret h3')`)
	secret := eval[string](t, ctx, `document.getElementById('secret-value').textContent`)
	if _, err := token.Parse(secret); err != nil {
		t.Fatalf("the page's secret %q: %v", secret, err)
	}
	waitText(t, ctx, "#tokens .tname", "lab-gpu-3")
	waitText(t, ctx, "#tokens .prefix", secret[:8]+"…")
	waitText(t, ctx, "#tokens", "never used")
	e.axeCheck(t, ctx, "report (new secret)")
	screenshot(t, ctx, "tokens-desktop", desktop, "light")
	screenshot(t, ctx, "tokens-phone-dark", phone, "dark")

	do(t, ctx, chromedp.Click(chromedp.CSS(`#secret button.copy`)))
	waitText(t, ctx, "#secret button.copy", "Copied")
	copied := eval[string](t, ctx, `navigator.clipboard.readText()`)
	if copied != secret {
		t.Fatalf("the clipboard holds %q, want the secret shown", copied)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#secret-done`)))
	waitJS(t, ctx, "the secret gone from the page", `document.getElementById('secret').hidden && !document.body.innerHTML.includes(`+jsString(secret)+`)`)

	// The copied token reports a job through the real endpoint, as curl does; it shows in the list.
	id := uniqueName("token-job")
	body := fmt.Sprintf(`{"request_id":%q,"status":"IN_PROGRESS","event_time":%q,"progress":30,"name":"from a token","stall_after_seconds":3600}`, id, job.FormatTime(time.Now()))
	code, answer := e.ingest(t, copied, body)
	var out statusapi.IngestResponse
	if code != http.StatusOK || json.Unmarshal([]byte(answer), &out) != nil || out.Accepted != 1 {
		t.Fatalf("POST /v1/events with the copied token: %d %s", code, answer)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`a.back`)))
	waitJS(t, ctx, "the job in the list", rowPill(id)+`?.startsWith('Training')`)
	waitText(t, ctx, "#jobs .name", "from a token")
	if strings.Contains(eval[string](t, ctx, `document.body.innerHTML`), secret) {
		t.Error("the list shows the secret")
	}

	// The token is listed as used; its secret is not on the page.
	do(t, ctx, chromedp.Click(chromedp.CSS(`#report-link`)))
	waitText(t, ctx, "#tokens", "last used")

	// Revoke with the keyboard: Enter on Revoke, the confirmation takes the focus, Enter again.
	do(t, ctx, chromedp.Focus(chromedp.CSS(`#tokens button.revoke`)), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the confirmation focused", `document.activeElement?.id === 'confirm-revoke'`)
	// The bound said is this stack's TOKEN_CACHE_TTL (tokenCacheTTL, 1 s), from /config.json.
	waitText(t, ctx, "#tokens .warn", "refused within a second, and it cannot be brought back")
	e.axeCheck(t, ctx, "report (confirm revoke)")
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	revoked := time.Now()
	waitJS(t, ctx, "the token gone from the list", `!document.querySelector('#tokens li') && !document.getElementById('notokens').hidden`)
	code, listed := e.apiSend(t, u, "GET", "/me/tokens", "")
	if code != 200 || !strings.Contains(listed, `"tokens":[]`) {
		t.Errorf("GET /me/tokens after revoking: %d %s", code, listed)
	}
	// The endpoint refuses it once the ingest function's cache (TOKEN_CACHE_TTL) has let go.
	deadline := time.Now().Add(waitFor)
	for {
		code, answer = e.ingest(t, copied, body)
		if code == http.StatusUnauthorized {
			break
		}
		if code != http.StatusOK || time.Now().After(deadline) {
			t.Fatalf("the revoked token: %d %s", code, answer)
		}
		time.Sleep(tokenCacheTTL / 10) // the cache is the clock here: poll it
	}
	t.Logf("revoked token refused %v after the page's revoke (TOKEN_CACHE_TTL %v)", time.Since(revoked).Round(time.Millisecond), tokenCacheTTL)

	// At the most tokens allowed, the page says so.
	for i := range token.MaxPerUser {
		if code, b := e.apiSend(t, u, "POST", deploy.CreateTokenRoute.Path, fmt.Sprintf(`{"name":"bulk-%d"}`, i)); code != http.StatusCreated {
			t.Fatalf("POST /me/tokens %d: %d %s", i, code, b)
		}
	}
	do(t, ctx, chromedp.Navigate(e.pageURL("/report")))
	waitJS(t, ctx, "the listed tokens", fmt.Sprintf(`document.querySelectorAll('#tokens li').length === %d`, token.MaxPerUser))
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#tokenname`), "one-too-many"), chromedp.Click(chromedp.CSS(`#create`)))
	waitText(t, ctx, "#tokenerror", "Could not create the token: you hold the most reporting tokens allowed (20)")
	if !eval[bool](t, ctx, `document.getElementById('secret').hidden`) {
		t.Error("a secret is shown after a refused creation")
	}
	checkWidths(t, ctx, "report")
}
