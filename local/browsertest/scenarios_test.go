package browsertest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cip "github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider"
	"github.com/aws/aws-sdk-go-v2/service/cognitoidentityprovider/types"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/pkg/job"
)

// apiJob is the part of the API's job body the tests look at.
type apiJob struct {
	RequestID string  `json:"request_id"`
	Status    string  `json:"status"`
	Progress  float64 `json:"progress"`
}

// waitAPI waits until the API, asked as u, answers path with a body ok accepts: the events went
// through the queue and status-updater. It polls the API (a condition, not a sleep), bounded.
func (e *env) waitAPI(t testing.TB, u user, path, what string, ok func(body []byte) bool) {
	t.Helper()
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for {
		code, body, err := e.apiGet(u, path)
		if err == nil && code == 200 && ok(body) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waiting for the API to show %s: last answer %d %s (%v)", what, code, body, err)
		}
		<-tick.C
	}
}

func (e *env) waitJobStatus(t testing.TB, u user, id string, status job.Status, progress float64) {
	t.Helper()
	e.waitAPI(t, u, "/status/"+id, fmt.Sprintf("%s %s %g", id, status, progress), func(b []byte) bool {
		var j apiJob
		return json.Unmarshal(b, &j) == nil && j.Status == string(status) && (progress < 0 || j.Progress == progress)
	})
}

const (
	jobPill     = `document.querySelector('#job .status .pill')?.textContent`
	jobProgress = `document.querySelector('#job progress')?.value`
	noticeShown = `document.getElementById('notice').hidden === false`
)

func rowPill(id string) string {
	return fmt.Sprintf(`document.querySelector('#jobs li[data-id=%s] .pill')?.textContent`, jsString(id))
}

// TestSignUpConfirmSignIn: a newcomer creates an account on the page, confirms it with the code
// Cognito sent, lands signed in on an empty list that says how to report a first job, and the
// page keeps only the refresh token, in sessionStorage.
func TestSignUpConfirmSignIn(t *testing.T) {
	e := getEnv(t)
	ctx := e.tab(t, time.Minute)
	email := uniqueName("newcomer") + "@example.com"
	do(t, ctx, chromedp.Navigate(e.pageURL("/")), chromedp.WaitVisible(chromedp.CSS(`form.auth`)))
	waitText(t, ctx, "main h1", "Sign in")
	e.axeCheck(t, ctx, "sign-in")

	do(t, ctx, chromedp.Click(chromedp.CSS(`form.auth button.link`)))
	waitText(t, ctx, "main h1", "Create an account")
	do(t, ctx,
		chromedp.SendKeys(chromedp.CSS(`input[name=email]`), email),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), "Page-Passw0rd!"),
		chromedp.Click(chromedp.CSS(`form.auth button[type=submit]`)))
	waitText(t, ctx, "main h1", "Confirm your email")
	waitText(t, ctx, "form.auth", "Enter the code we sent to "+email)
	waitText(t, ctx, "#code-hint", e.state.CognitoDir) // the local stack says where the code is

	code, err := cognito.ConfirmationCode(e.state.CognitoDir, e.state.UserPoolID, email)
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.SendKeys(chromedp.CSS(`input[name=code]`), code), chromedp.Click(chromedp.CSS(`form.auth button[type=submit]`)))
	waitText(t, ctx, "main h1", "My jobs")
	waitText(t, ctx, "#who", email)
	waitText(t, ctx, "#empty", "No jobs yet")
	waitText(t, ctx, "#empty pre", "trainstatus send --request-id my-first-job --user-id ")
	e.axeCheck(t, ctx, "list (empty)")

	storage := eval[map[string]int](t, ctx, `({local: localStorage.length, session: sessionStorage.length,
		refresh: sessionStorage.getItem('trainstatus.refresh') ? 1 : 0})`)
	if want := map[string]int{"local": 0, "session": 1, "refresh": 1}; fmt.Sprint(storage) != fmt.Sprint(want) {
		t.Errorf("storage %v, want %v (only the refresh token, in sessionStorage)", storage, want)
	}
}

// TestLiveProgressToSuccess: a job reported with `trainstatus send` (the real CLI) appears in the list; its page's bar
// advances with each report and ends at SUCCESS, with no reload, announced to screen readers.
func TestLiveProgressToSuccess(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "live")
	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/")
	waitText(t, ctx, "#empty", "No jobs yet")

	id := "resnet50-live"
	e.sendCLI(t, u, id, started())
	waitJS(t, ctx, "the new job in the list", rowPill(id)+`?.startsWith('Started')`)
	do(t, ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#jobs li[data-id=%s] a`, jsString(id)))))
	waitText(t, ctx, "main h1", id)
	if got := eval[string](t, ctx, `location.pathname`); got != "/jobs/"+id {
		t.Errorf("location %s, want /jobs/%s", got, id)
	}
	eval[bool](t, ctx, `window.sameDocument = true`)

	for _, p := range []float64{25, 50, 75} {
		e.sendCLI(t, u, id, progress(p))
		// startsWith: a slow machine may show "Training · stalled" (3 s window) for a moment.
		waitJS(t, ctx, fmt.Sprintf("progress %g", p), fmt.Sprintf(`%s === %g && %s?.startsWith('Training')`, jobProgress, p, jobPill))
		waitText(t, ctx, "#job .msg", fmt.Sprintf("at %g %%", p))
	}
	e.sendCLI(t, u, id, succeeded())
	waitJS(t, ctx, "SUCCESS", fmt.Sprintf(`%s === 100 && %s === 'Succeeded'`, jobProgress, jobPill))

	if !eval[bool](t, ctx, `window.sameDocument === true`) {
		t.Error("the page reloaded")
	}
	waitText(t, ctx, "#live", id+" is now Succeeded.")
	waitJS(t, ctx, `"Updated N s ago"`, `/^Updated \d+ s ago$/.test(document.querySelector('.updated .upd').textContent)`)
	stages := eval[[]string](t, ctx, `[...document.querySelectorAll('#job .stages li')].map(li => li.className.trim() + ': ' + li.innerText.replace(/\s+/g, ' '))`)
	if len(stages) != 3 {
		t.Fatalf("stages %q", stages)
	}
	for i, want := range []string{"stage done: Started", "stage done: Training", "stage done succeeded: Succeeded"} {
		if !strings.HasPrefix(stages[i], want) {
			t.Errorf("stage %d %q, want it to start with %q", i, stages[i], want)
		}
	}
	if !strings.Contains(stages[0], "took ") || !strings.Contains(stages[1], "took ") || !strings.Contains(stages[2], "total ") {
		t.Errorf("stages lack their durations: %q", stages)
	}
}

// TestFailedJobShowsError: a FAILED job's page shows Failed and the job's error.
func TestFailedJobShowsError(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "failed")
	id := "bert-oom"
	e.send(t, u, id, started(), progress(40), failed("CUDA out of memory (tried to allocate 2.00 GiB)"))
	e.waitJobStatus(t, u, id, job.Failed, -1)

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/jobs/"+id)
	waitText(t, ctx, "#error", "CUDA out of memory (tried to allocate 2.00 GiB)")
	waitJS(t, ctx, "the Failed pill and stage", jobPill+` === 'Failed' &&
		document.querySelector('#job .stages li.failed')?.classList.contains('done')`)
}

// TestStalledJob: a job that stops reporting is shown as stalled, with how long it has been
// silent, once the stall window (3 s here) has passed; a new report clears it.
func TestStalledJob(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "stalled")
	id := "vit-silent"
	e.send(t, u, id, started(), progress(10))
	e.waitJobStatus(t, u, id, job.InProgress, 10)

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/jobs/"+id)
	waitText(t, ctx, "#stalled", "no word from this job for ")
	waitText(t, ctx, "#stalled", "(longer than the 3 s stall window)")
	waitJS(t, ctx, "the stalled pill", jobPill+` === 'Training · stalled'`)

	e.send(t, u, id, progress(20))
	waitJS(t, ctx, "the stall cleared by a new report", fmt.Sprintf(`%s === 20 && !document.querySelector('#stalled')`, jobProgress))
}

// TestETA: the estimated finish appears once the job has reported progress at two times.
func TestETA(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "eta")
	id := "llama-eta"
	now := time.Now()
	e.send(t, u, id, started().atTime(now.Add(-20*time.Second)), progress(10).atTime(now.Add(-10*time.Second)))
	e.waitJobStatus(t, u, id, job.InProgress, 10)

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/jobs/"+id)
	waitJS(t, ctx, "progress 10", jobProgress+` === 10`)
	if eval[bool](t, ctx, `!!document.querySelector('#eta')`) {
		t.Error("an ETA after one progress report")
	}
	e.send(t, u, id, progress(20))
	waitText(t, ctx, "#eta", "Estimated finish")
	waitText(t, ctx, "#eta", "(in about ")
}

// TestPagingAndStatusFilter: 25 jobs show 20 at a time, newest first, with "Load more"; the
// status filter shows only the jobs in that state, and says so when there are none.
func TestPagingAndStatusFilter(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "paging")
	base := time.Now().Add(-time.Hour)
	succeededIDs := 0
	for i := range 25 {
		id := fmt.Sprintf("sweep-%02d", i)
		evs := []event{started().atTime(base.Add(time.Duration(i) * time.Minute))}
		if i%5 == 0 {
			evs = append(evs, succeeded().atTime(base.Add(time.Duration(i)*time.Minute+time.Second)))
			succeededIDs++
		}
		e.send(t, u, id, evs...)
	}
	e.waitAPI(t, u, "/status?limit=100", "25 jobs, 5 succeeded", func(b []byte) bool {
		var page struct{ Items []apiJob }
		if json.Unmarshal(b, &page) != nil || len(page.Items) != 25 {
			return false
		}
		n := 0
		for _, j := range page.Items {
			if j.Status == "SUCCESS" {
				n++
			}
		}
		return n == succeededIDs
	})

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/")
	rows := `[...document.querySelectorAll('#jobs li')].map(li => li.dataset.id)`
	waitJS(t, ctx, "the first page", rows+`.length === 20 && !document.getElementById('more').hidden`)
	if first := eval[[]string](t, ctx, rows); first[0] != "sweep-24" || first[19] != "sweep-05" {
		t.Errorf("first page %v, want sweep-24 … sweep-05 (newest first)", first)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#more`)))
	waitJS(t, ctx, "the second page", rows+`.length === 25 && document.getElementById('more').hidden`)
	if all := eval[[]string](t, ctx, rows); all[24] != "sweep-00" {
		t.Errorf("last row %s, want sweep-00", all[24])
	}

	choose := func(status string) {
		eval[bool](t, ctx, fmt.Sprintf(`(s => { s.value = %s; s.dispatchEvent(new Event('change')); return true })(document.getElementById('filter'))`, jsString(status)))
	}
	choose("SUCCESS")
	waitJS(t, ctx, "only the succeeded jobs", fmt.Sprintf(`(p => p.length === %d && p.every(t => t === 'Succeeded'))([...document.querySelectorAll('#jobs .pill')].map(p => p.textContent))`, succeededIDs))
	choose("FAILED")
	waitText(t, ctx, "#empty", "No failed jobs.")
	choose("")
	waitJS(t, ctx, "all jobs again", rows+`.length === 20`)
}

// TestOtherUsersJobIsNoSuchJob: a deep link to another user's job shows the same "no such job"
// page as a job that does not exist (after a reload, so the session is restored from the tab),
// and so does a link with a malformed % sequence; the page repeats nothing from the URL.
func TestOtherUsersJobIsNoSuchJob(t *testing.T) {
	e := getEnv(t)
	owner, other := e.newUser(t, "owner"), e.newUser(t, "other")
	secret := uniqueName("secret")
	e.send(t, owner, secret, started())
	e.waitJobStatus(t, owner, secret, job.Started, -1)

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, other, "/jobs/"+secret)
	waitText(t, ctx, "main h1", "No such job")
	theirs := eval[string](t, ctx, `document.querySelector('main').innerText`)

	missing := uniqueName("missing")
	do(t, ctx, chromedp.Navigate(e.pageURL("/jobs/"+missing)))
	waitText(t, ctx, "main h1", "No such job")
	none := eval[string](t, ctx, `document.querySelector('main').innerText`)
	if strings.ReplaceAll(theirs, secret, "X") != strings.ReplaceAll(none, missing, "X") {
		t.Errorf("another user's job and a missing one differ:\n%s\n---\n%s", theirs, none)
	}
	for _, bad := range []string{"%E0%A4", "%C3%28call-0800-phish", "%FF"} { // valid escapes, not UTF-8: decodeURIComponent throws
		do(t, ctx, chromedp.Navigate(e.pageURL("/jobs/"+bad)))
		waitText(t, ctx, "main h1", "No such job")
		if got := eval[string](t, ctx, `document.querySelector('main').innerText`); got != none {
			t.Errorf("/jobs/%s shows %q, want the same as a missing job: %q", bad, got, none)
		}
	}
	if !strings.Contains(theirs, "There is no such job in your account.") || strings.Contains(theirs, secret) {
		t.Errorf("page says %q (it repeats nothing from the URL)", theirs)
	}
}

// TestExpiredTokenIsRefreshed: with tokens that live 2 s (the authorizer allows 5 s of clock
// leeway), the page keeps refreshing them and keeps polling well past the first token's death,
// with no error on the screen.
func TestExpiredTokenIsRefreshed(t *testing.T) {
	e := getEnv(t)
	setTokenValidity(t, e, 2, types.TimeUnitsTypeSeconds)
	t.Cleanup(func() { setTokenValidity(t, e, 24, types.TimeUnitsTypeHours) })
	u := e.newUser(t, "refresh")
	id := "short-lived"
	e.send(t, u, id, started(), progress(10))
	e.waitJobStatus(t, u, id, job.InProgress, 10)

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/jobs/"+id)
	eval[bool](t, ctx, `performance.setResourceTimingBufferSize(100000) || true`)
	signedIn := eval[float64](t, ctx, `performance.now()`)
	cognitoCalls := fmt.Sprintf(`performance.getEntriesByType('resource').filter(r => r.name.startsWith(%s))`, jsString(e.state.CognitoEndpoint))
	// A refresh started after the first token is refused by the API (2 s + 5 s leeway, + 1 s).
	waitJS(t, ctx, "a token refresh after the first token expired", fmt.Sprintf(`%s.some(r => r.startTime > %f)`, cognitoCalls, signedIn+8000))
	e.send(t, u, id, progress(55))
	waitJS(t, ctx, "progress 55 with a refreshed token", jobProgress+` === 55`)
	if n := eval[int](t, ctx, cognitoCalls+`.length`); n < 2 {
		t.Errorf("%d calls to Cognito, want the sign-in and refreshes", n)
	}
	if eval[bool](t, ctx, noticeShown+` || !!document.querySelector('form.auth, .error:not(:empty)')`) {
		t.Errorf("an error is visible: %s", screenText(ctx))
	}
}

func setTokenValidity(t testing.TB, e *env, n int32, unit types.TimeUnitsType) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_, err := cognito.NewClient(e.state.CognitoEndpoint).UpdateUserPoolClient(ctx, &cip.UpdateUserPoolClientInput{
		UserPoolId: aws.String(e.state.UserPoolID), ClientId: aws.String(e.state.ClientID),
		IdTokenValidity: aws.Int32(n), AccessTokenValidity: aws.Int32(n),
		TokenValidityUnits: &types.TokenValidityUnitsType{IdToken: unit, AccessToken: unit},
		ExplicitAuthFlows:  []types.ExplicitAuthFlowsType{types.ExplicitAuthFlowsTypeAllowUserPasswordAuth, types.ExplicitAuthFlowsTypeAllowRefreshTokenAuth},
	})
	if err != nil {
		t.Fatalf("setting the token validity: %v", err)
	}
}

// TestReconnecting: when the API cannot be reached the page says it is reconnecting, backs off,
// and once the API is back it hides the notice and shows what happened meanwhile.
func TestReconnecting(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "offline")
	id := "flaky-net"
	e.send(t, u, id, started(), progress(30))
	e.waitJobStatus(t, u, id, job.InProgress, 30)

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/jobs/"+id)
	waitJS(t, ctx, "progress 30", jobProgress+` === 30`)
	block := func(on bool) {
		t.Helper()
		if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
			{URLPattern: e.state.HTTPEndpoint + "/status/*", Block: on}}}); err != nil {
			t.Fatal(err)
		}
	}
	block(true)
	waitText(t, ctx, "#notice", "Reconnecting…")
	e.send(t, u, id, progress(60))
	e.waitJobStatus(t, u, id, job.InProgress, 60)
	block(false)
	waitJS(t, ctx, "recovery", fmt.Sprintf(`%s === 60 && !(%s)`, jobProgress, noticeShown))
}

// TestSignOut: signing out returns to the sign-in form and forgets the session: a reload stays
// signed out.
func TestSignOut(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "leaver")
	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/")
	refresh := eval[string](t, ctx, `sessionStorage.getItem('trainstatus.refresh')`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#signout`)))
	waitText(t, ctx, "main h1", "Sign in")
	waitJS(t, ctx, "the account bar hidden and the session gone", `document.getElementById('account').hidden && sessionStorage.length === 0`)
	waitText(t, ctx, "#live", "Signed out.")
	do(t, ctx, chromedp.Navigate(e.pageURL("/")))
	waitText(t, ctx, "main h1", "Sign in")
	waitJS(t, ctx, "still signed out after a reload", `document.getElementById('account').hidden && !!document.querySelector('form.auth')`)

	// The page revoked the refresh token: Cognito refuses it (the revoke is sent without waiting,
	// so this waits for it, bounded).
	c := cognito.NewClient(e.state.CognitoEndpoint)
	deadline := time.Now().Add(waitFor)
	tick := time.NewTicker(25 * time.Millisecond)
	defer tick.Stop()
	for ; ; <-tick.C {
		_, err := c.InitiateAuth(context.Background(), &cip.InitiateAuthInput{ClientId: aws.String(e.state.ClientID),
			AuthFlow: types.AuthFlowTypeRefreshTokenAuth, AuthParameters: map[string]string{"REFRESH_TOKEN": refresh}})
		var refused *types.NotAuthorizedException
		if errors.As(err, &refused) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the refresh token still works after sign-out (err %v)", err)
		}
	}
}

// TestEmailNotificationsToggle: the header's toggle reads and writes /me/preferences, and the
// choice is still there after a reload.
func TestEmailNotificationsToggle(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "prefs")
	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/")
	waitJS(t, ctx, "the toggle, on by default", `!document.getElementById('notify-label').hidden && document.getElementById('notify').checked`)
	do(t, ctx, chromedp.Click(chromedp.CSS(`#notify`)))
	waitJS(t, ctx, "the toggle saved off", `!document.getElementById('notify').checked && !document.getElementById('notify').disabled`)
	code, body, err := e.apiGet(u, "/me/preferences")
	if err != nil || code != 200 || !strings.Contains(string(body), `"email_notifications":false`) {
		t.Errorf("GET /me/preferences: %d %s %v", code, body, err)
	}
	do(t, ctx, chromedp.Navigate(e.pageURL("/")))
	waitJS(t, ctx, "the toggle still off after a reload", `!document.getElementById('notify-label').hidden && !document.getElementById('notify').checked`)
}

// TestKeyboardOnly: sign in and open a job with the keyboard alone; focus lands on each page's
// heading.
func TestKeyboardOnly(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "keys")
	id := "kbd-job"
	e.send(t, u, id, started())
	e.waitJobStatus(t, u, id, job.Started, -1)

	ctx := e.tab(t, time.Minute)
	do(t, ctx, chromedp.Navigate(e.pageURL("/")), chromedp.WaitVisible(chromedp.CSS(`form.auth`)))
	waitJS(t, ctx, "focus on the heading", `document.activeElement === document.querySelector('main h1')`)
	do(t, ctx, chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(u.Email), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(u.Password), chromedp.KeyEvent(kb.Enter))
	waitJS(t, ctx, "the list", rowPill(id)+`?.startsWith('Started')`)
	link := fmt.Sprintf(`document.activeElement === document.querySelector('#jobs li[data-id=%s] a')`, jsString(id))
	for range 20 {
		if eval[bool](t, ctx, link) {
			break
		}
		do(t, ctx, chromedp.KeyEvent(kb.Tab))
	}
	if !eval[bool](t, ctx, link) {
		t.Fatalf("Tab never reached the job's link; focus on %s", eval[string](t, ctx, `document.activeElement.outerHTML.slice(0, 120)`))
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter))
	waitText(t, ctx, "main h1", id)
	waitJS(t, ctx, "focus on the job's heading", `document.activeElement === document.querySelector('main h1')`)
}

// TestScreensAndAccessibility: the list and job pages with realistic data (a 3.4 KB traceback, a
// 120-character name, a long message) pass axe-core (light and dark), and their screenshots at
// desktop and phone widths, light and dark, go to build/screenshots/ (the README's are copied
// from there to docs/).
func TestScreensAndAccessibility(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "screens")
	now := time.Now()
	hour := time.Hour
	e.send(t, u, "llama-sft-0412", started().atTime(now.Add(-50*time.Minute)), progress(12).atTime(now.Add(-48*time.Minute)),
		failed(traceback()).atTime(now.Add(-45*time.Minute)))
	e.send(t, u, "bert-base", started().atTime(now.Add(-40*time.Minute)), progress(50).atTime(now.Add(-30*time.Minute)), succeeded().atTime(now.Add(-20*time.Minute)))
	sweep := sweepName()
	e.send(t, u, "sweep-lr-0417", started().atTime(now.Add(-15*time.Minute)).named(sweep).stallAfter(hour),
		event{status: job.InProgress, progress: 8, message: "step 1200/15000 loss=2.3127 lr=2.0e-04 grad_norm=0.87 tokens/s=48213", at: now.Add(-2 * time.Second), name: sweep, stall: hour})
	e.send(t, u, "resnet50-lr0.1", started().atTime(now.Add(-12*time.Minute)).stallAfter(hour), progress(20).atTime(now.Add(-8*time.Minute)).stallAfter(hour),
		event{status: job.InProgress, progress: 42.5, message: "epoch 3/10", at: now.Add(-time.Second), stall: hour})
	e.send(t, u, "vit-small", started().atTime(now.Add(-20*time.Minute))) // stalled (the stack's 3 s window)
	e.waitJobStatus(t, u, "resnet50-lr0.1", job.InProgress, 42.5)
	e.waitJobStatus(t, u, "sweep-lr-0417", job.InProgress, 8)
	e.waitJobStatus(t, u, "llama-sft-0412", job.Failed, 12)
	e.waitJobStatus(t, u, "vit-small", job.Started, -1)

	// At the page's real intervals, so the screenshots say what a user sees.
	ctx := e.tab(t, 2*time.Minute)
	if err := SignIn(ctx, e.state.HTTPEndpoint+"/", u.Credentials); err != nil {
		t.Fatal(err)
	}
	waitJS(t, ctx, "five jobs", `document.querySelectorAll('#jobs li').length === 5 && !!document.querySelector('#jobs .pill.stalled')`)
	e.axeCheck(t, ctx, "list")
	screenshot(t, ctx, "list-desktop", desktop, "light")
	screenshot(t, ctx, "list-phone", phone, "light")
	screenshot(t, ctx, "list-phone-dark", phone, "dark")

	do(t, ctx, chromedp.Click(chromedp.CSS(`#jobs li[data-id="resnet50-lr0.1"] a`)))
	waitJS(t, ctx, "the job page", jobProgress+` === 42.5 && !!document.querySelector('#eta')`)
	e.axeCheck(t, ctx, "job")
	screenshot(t, ctx, "job-desktop", desktop, "light")
	screenshot(t, ctx, "job-phone", phone, "light")
	screenshot(t, ctx, "job-desktop-dark", desktop, "dark")

	do(t, ctx, chromedp.Navigate(e.state.HTTPEndpoint+"/jobs/llama-sft-0412"))
	waitJS(t, ctx, "the failed job", jobProgress+` === 12 && !!document.querySelector('#error pre.trace')`)
	e.axeCheck(t, ctx, "failed job")
	screenshot(t, ctx, "failed-desktop", desktop, "light")
	screenshot(t, ctx, "failed-phone-dark", phone, "dark")

	do(t, ctx, chromedp.Navigate(e.pageURL("/jobs/nothing-here")))
	waitText(t, ctx, "main h1", "No such job")
	e.axeCheck(t, ctx, "no such job")
}

// sweepName is a realistic 120-character job name: a fine-tuning run's hyperparameters.
func sweepName() string {
	n := "llama-3-8b-instruct-sft-alpaca-cleaned-lora-r16-alpha32-dropout0.05-lr2e-4-bs128-warmup100-cosine-epochs3-seed1234-v2-run"
	for len(n) < 120 {
		n += "-a"
	}
	return n[:120]
}

// TestScreenshotHelper: the function `make demo` calls signs in and saves a PNG of the job.
func TestScreenshotHelper(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "demo")
	id := "demo-job"
	e.send(t, u, id, started(), succeeded())
	e.waitJobStatus(t, u, id, job.Success, -1)
	out := filepath.Join(t.TempDir(), "demo.png")
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	text, err := Screenshot(ctx, "", e.state.HTTPEndpoint+"/jobs/"+id, u.Credentials, out, 1024, 700)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, id) || !strings.Contains(text, "Succeeded") {
		t.Errorf("the photographed page says %q; want the job %s, Succeeded", text, id)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("not a PNG: %v", err)
	}
	if w := img.Bounds().Dx(); w != 1024 {
		t.Errorf("screenshot %d px wide, want 1024", w)
	}
}
