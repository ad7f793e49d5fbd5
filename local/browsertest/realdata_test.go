package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
)

// The scenarios of issue 20: the page with what real training produces.

// longName is a 120-character display name with no space to break at.
var longName = strings.Repeat("resnet152-imagenet-lr0.1-wd5e-4-", 4)[:120]

// unbroken is a message of about 1 KB with no space in it.
var unbroken = strings.Repeat("loss=0.0123;", 80)

// traceback is a 3.4 KB Python traceback, as a training script's reporter sends one: many lines,
// and one (a list of tensor shapes) with no space to break at.
func traceback() string {
	var b strings.Builder
	b.WriteString("Traceback (most recent call last):\n")
	frames := []string{
		`  File "/home/ml/projects/vision/train.py", line 412, in <module>` + "\n    main(parse_args())\n",
		`  File "/home/ml/projects/vision/train.py", line 388, in main` + "\n    loss = train_one_epoch(model, loader, optimizer, scaler, epoch=epoch, log_every=cfg.log_every)\n",
		`  File "/home/ml/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1532, in _wrapped_call_impl` + "\n    return self._call_impl(*args, **kwargs)\n",
		`  File "/home/ml/.venv/lib/python3.11/site-packages/torch/nn/modules/module.py", line 1541, in _call_impl` + "\n    return forward_call(*args, **kwargs)\n",
		`  File "/home/ml/.venv/lib/python3.11/site-packages/torchvision/models/resnet.py", line 285, in forward` + "\n    return self._forward_impl(x)\n",
	}
	for b.Len() < 3000 {
		for _, f := range frames {
			b.WriteString(f)
		}
	}
	b.WriteString("RuntimeError: shapes=" + strings.Repeat("[64,3,224,224]", 12) + "\n")
	b.WriteString("torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 23.65 GiB of which 1.02 GiB is free.")
	return b.String()
}

// widths are the screen widths every page must fit, whatever the data.
var widths = []int64{320, 390, 1280}

// fitsJS is true when the page is no wider than the viewport.
const fitsJS = `document.documentElement.scrollWidth <= innerWidth`

// checkWidths sets each width and fails the test if the page is wider than the screen.
func checkWidths(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	defer do(t, ctx, chromedp.EmulateViewport(desktop[0], desktop[1]))
	for _, w := range widths {
		do(t, ctx, chromedp.EmulateViewport(w, 800))
		eval[bool](t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
		if got := eval[[]int](t, ctx, `[document.documentElement.scrollWidth, innerWidth]`); got[0] > got[1] {
			t.Errorf("%s at %d px: the page is %d px wide in a %d px viewport", page, w, got[0], got[1])
		}
	}
}

// TestLongDataFitsTheScreen (issue 20, 1): a 120-character name, a 1 KB message and a 3.4 KB
// traceback, none with a space to break at, never make a page wider than the screen at 320, 390
// or 1280 px; in the list the message and the error are cut at three lines; the job page shows
// the whole error with its line breaks, in a block that scrolls on its own, with a copy button.
func TestLongDataFitsTheScreen(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "longdata")
	tb := traceback()
	longID := strings.Repeat("x", 128)
	e.send(t, u, "long-name", started().named(longName).stallAfter(time.Hour),
		event{status: job.InProgress, progress: 42, message: unbroken, name: longName, stall: time.Hour})
	e.send(t, u, "oom", started(), progress(12), failed(tb))
	e.send(t, u, longID, started().stallAfter(time.Hour))
	e.waitJobStatus(t, u, "long-name", job.InProgress, 42)
	e.waitJobStatus(t, u, "oom", job.Failed, 12)
	e.waitJobStatus(t, u, longID, job.Started, -1)

	ctx := e.tab(t, 2*time.Minute)
	e.signIn(t, ctx, u, "/")
	waitJS(t, ctx, "three jobs", `document.querySelectorAll('#jobs li').length === 3`)
	checkWidths(t, ctx, "list")
	if got := eval[string](t, ctx, `document.querySelector('#jobs li[data-id="long-name"] a.name').textContent`); got != longName {
		t.Errorf("the row is called %q, want the job's name %q", got, longName)
	}
	for _, id := range []string{"long-name", "oom"} {
		// At most three lines, and cut (the text is longer than what shows).
		lines := eval[[]float64](t, ctx, fmt.Sprintf(`(p => [p.clientHeight / parseFloat(getComputedStyle(p).lineHeight), p.scrollHeight > p.clientHeight ? 1 : 0])(document.querySelector('#jobs li[data-id=%s] .msg'))`, jsString(id)))
		if lines[0] > 3.05 || lines[1] != 1 {
			t.Errorf("list row %s: its message takes %.1f lines (cut: %v), want at most 3, cut", id, lines[0], lines[1] == 1)
		}
	}
	e.axeCheck(t, ctx, "list with long data")

	do(t, ctx, chromedp.Click(chromedp.CSS(`#jobs li[data-id="oom"] a`)))
	waitJS(t, ctx, "the failed job's error", `!!document.querySelector('#error pre.trace')`)
	checkWidths(t, ctx, "job page with a traceback")
	if got := eval[string](t, ctx, `document.querySelector('#error pre.trace').textContent`); got != tb {
		t.Errorf("the error block holds %d bytes, want the whole %d-byte traceback", len(got), len(tb))
	}
	do(t, ctx, chromedp.EmulateViewport(phone[0], phone[1]))
	scrolls := eval[map[string]any](t, ctx, `(p => ({ws: getComputedStyle(p).whiteSpace, ox: getComputedStyle(p).overflowX,
		wide: p.scrollWidth > p.clientWidth, lines: p.innerText.split('\n').length}))(document.querySelector('#error pre.trace'))`)
	do(t, ctx, chromedp.EmulateViewport(desktop[0], desktop[1]))
	if scrolls["ws"] != "pre" || scrolls["ox"] != "auto" || scrolls["wide"] != true || scrolls["lines"].(float64) != float64(strings.Count(tb, "\n")+1) {
		t.Errorf("the error block %v; want its line breaks kept (%d lines) and its long line scrolling in the block", scrolls, strings.Count(tb, "\n")+1)
	}
	origin := e.state.HTTPEndpoint
	for _, name := range []string{"clipboard-read", "clipboard-write"} {
		if _, err := chromedp.CallBrowser(ctx, browser.SetPermission, browser.SetPermissionParams{
			Permission: &browser.PermissionDescriptor{Name: name}, Setting: browser.PermissionSettingGranted,
			Origin: origin, BrowserContextID: chromedp.FromContext(ctx).BrowserContextID}); err != nil {
			t.Fatal(err)
		}
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#error button.copy`)))
	waitText(t, ctx, "#error button.copy", "Copied")
	if got := eval[string](t, ctx, `navigator.clipboard.readText()`); got != tb {
		t.Errorf("the clipboard holds %d bytes, want the traceback's %d", len(got), len(tb))
	}
	e.axeCheck(t, ctx, "job with a traceback")

	for _, id := range []string{"long-name", longID} {
		do(t, ctx, chromedp.Navigate(e.pageURL("/jobs/"+id)))
		waitJS(t, ctx, "the job", `!!document.querySelector('#job .stages')`)
		checkWidths(t, ctx, "job "+id[:9])
	}
	if got := eval[[]string](t, ctx, `[document.querySelector('main h1').textContent, document.querySelector('.reqid').textContent]`); got[0] != longID {
		t.Errorf("job page heading %q, want the request id (no name)", got[0])
	}
	do(t, ctx, chromedp.Navigate(e.pageURL("/jobs/long-name")))
	waitJS(t, ctx, "the named job", `!!document.querySelector('#job .stages')`)
	if got := eval[[]string](t, ctx, `[document.querySelector('main h1').textContent, document.querySelector('.reqid').textContent]`); got[0] != longName || got[1] != "Job ID long-name" {
		t.Errorf("job page shows %q, want the name as heading and the request id under it", got)
	}
}

// countJobs pages through u's jobs in the API.
func (e *env) countJobs(t testing.TB, u user) int {
	t.Helper()
	n, cursor := 0, ""
	for {
		code, body, err := e.apiGet(u, "/status?limit=100"+cursor)
		if err != nil || code != 200 {
			t.Fatalf("listing: %d %s %v", code, body, err)
		}
		var page struct {
			Items      []apiJob `json:"items"`
			NextCursor string   `json:"next_cursor"`
		}
		if err := json.Unmarshal(body, &page); err != nil {
			t.Fatal(err)
		}
		n += len(page.Items)
		if page.NextCursor == "" {
			return n
		}
		cursor = "&cursor=" + page.NextCursor
	}
}

// waitPolls waits until the list has answered n more polls: each one redraws "Updated".
func waitPolls(t *testing.T, ctx context.Context, n int) {
	t.Helper()
	for range n {
		eval[bool](t, ctx, `(document.querySelector('.updated .upd').dataset.mark = '1') && true`)
		waitJS(t, ctx, "a poll of the list", `!document.querySelector('.updated .upd[data-mark]')`)
	}
}

// TestLoadMoreKeepsRowsAndFocus (issue 20, 2): with 137 jobs loaded by "Load more", later polls
// keep every row, the focus and the scroll position; each "Load more" puts the focus on the
// first new row.
func TestLoadMoreKeepsRowsAndFocus(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "many")
	const total = 137
	base := time.Now().Add(-3 * time.Hour)
	for i := range total {
		// One running job among them, so the list keeps polling at its fast rate.
		ev := started().atTime(base.Add(time.Duration(i) * time.Minute)).stallAfter(time.Hour)
		e.send(t, u, fmt.Sprintf("run-%03d", i), ev)
	}
	e.waitAPI(t, u, "/status?limit=1", fmt.Sprintf("%d jobs", total), func([]byte) bool { return e.countJobs(t, u) == total })

	ctx := e.tab(t, 2*time.Minute)
	e.signIn(t, ctx, u, "/")
	rows := `document.querySelectorAll('#jobs li').length`
	waitJS(t, ctx, "the first page", rows+` === 20`)
	for loaded := 20; loaded < total; loaded += 20 {
		do(t, ctx, chromedp.Click(chromedp.CSS(`#more`)))
		want := min(loaded+20, total)
		waitJS(t, ctx, fmt.Sprintf("%d rows", want), fmt.Sprintf(`%s === %d`, rows, want))
		waitJS(t, ctx, "the focus on the first new row", fmt.Sprintf(`document.activeElement === document.querySelector('#jobs li:nth-child(%d) a')`, loaded+1))
	}
	before := eval[[]float64](t, ctx, `[scrollY, [...document.querySelectorAll('#jobs li')].indexOf(document.activeElement.closest('li'))]`)
	if before[0] < 1000 {
		t.Fatalf("scrolled to %.0f px only: the focused row should be far down", before[0])
	}
	waitPolls(t, ctx, 3)
	after := eval[[]float64](t, ctx, `[scrollY, [...document.querySelectorAll('#jobs li')].indexOf(document.activeElement.closest('li'))]`)
	if n := eval[int](t, ctx, rows); n != total || after[0] != before[0] || after[1] != before[1] {
		t.Errorf("after polls: %d rows, scroll %.0f, focus on row %.0f; want %d, %.0f, %.0f", n, after[0], after[1], total, before[0], before[1])
	}
}

// TestSignInErrors (issue 20, 2 and 7): a wrong password and an unknown email get the same text,
// and the focus goes to it.
func TestSignInErrors(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "typo")
	var texts []string
	for _, creds := range []Credentials{{u.Email, "Wrong-Passw0rd!"}, {uniqueName("nobody") + "@example.com", u.Password}} {
		ctx := e.tab(t, time.Minute)
		do(t, ctx, chromedp.Navigate(e.pageURL("/")), chromedp.WaitVisible(chromedp.CSS(`form.auth input[name=email]`)),
			chromedp.SendKeys(chromedp.CSS(`input[name=email]`), creds.Email),
			chromedp.SendKeys(chromedp.CSS(`input[name=password]`), creds.Password),
			chromedp.Click(chromedp.CSS(`form.auth button[type=submit]`)))
		waitJS(t, ctx, "the error, focused", `document.activeElement?.id === 'form-error' && document.activeElement.textContent !== ''`)
		texts = append(texts, eval[string](t, ctx, `document.getElementById('form-error').textContent`))
	}
	if texts[0] != texts[1] || texts[0] != "Wrong email or password." {
		t.Errorf("wrong password: %q, unknown email: %q; want the same text", texts[0], texts[1])
	}
}

// TestListIsLive (issue 20, 3), at the page's real intervals: an empty list checks every 3 s, so
// a first job shows at once (the test's bound, 20 s, is less than the old 30 s); with a running
// job listed it checks at the job page's 2 s; after 5 minutes an idle list backs off to 30 s.
func TestListIsLive(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "firstjob")
	ctx := e.tab(t, time.Minute)
	if err := SignIn(ctx, e.state.HTTPEndpoint+"/", u.Credentials); err != nil {
		t.Fatal(err)
	}
	waitText(t, ctx, "#empty", "No jobs yet")
	waitText(t, ctx, "#cadence", "checks every 3 s")
	id := "first-ever"
	e.send(t, u, id, started().stallAfter(time.Hour))
	waitJS(t, ctx, "the first job in the list", rowPill(id)+`?.startsWith('Started')`)
	waitText(t, ctx, "#cadence", "checks every 2 s")
	e.send(t, u, id, progress(33).stallAfter(time.Hour))
	waitJS(t, ctx, "its progress in the list", fmt.Sprintf(`document.querySelector('#jobs li[data-id=%s] progress')?.value === 33`, jsString(id)))
	schedule := eval[[]float64](t, ctx, `import('/config.js').then(m => [m.LIST_POLL_MS, m.JOB_POLL_MS, m.listIdleDelay(0), m.listIdleDelay(299999), m.listIdleDelay(300000)])`)
	if fmt.Sprint(schedule) != "[2000 2000 3000 3000 30000]" {
		t.Errorf("list running, job, idle at 0, 4:59.999 and 5:00: %v ms; want [2000 2000 3000 3000 30000]", schedule)
	}
}

// TestURLTuningOnlyWhereConfigAllows (issue 18): ?pollMs changes the intervals only when
// /config.json says urlTuning, which only the local stack's does.
func TestURLTuningOnlyWhereConfigAllows(t *testing.T) {
	e := getEnv(t)
	ctx := e.tab(t, time.Minute)
	do(t, ctx, chromedp.Navigate(e.state.HTTPEndpoint+"/"), chromedp.WaitVisible(chromedp.CSS(`form.auth`)))
	got := eval[[]float64](t, ctx, `import('/config.js').then(m => {
		m.configure({}, '?pollMs=50'); const deployed = [m.JOB_POLL_MS, m.LIST_POLL_MS, m.POLL_OVERRIDE];
		m.configure({urlTuning: true}, '?pollMs=50'); return [...deployed, m.JOB_POLL_MS, m.LIST_POLL_MS, m.POLL_OVERRIDE] })`)
	if fmt.Sprint(got) != "[2000 2000 0 50 50 50]" {
		t.Errorf("intervals without and with urlTuning: %v; want [2000 2000 0 50 50 50]", got)
	}
	cfg := eval[map[string]any](t, ctx, `fetch('/config.json').then(r => r.json())`)
	if cfg["urlTuning"] != true || cfg["passwordMinLength"] != float64(deploy.PasswordMinLength) {
		t.Errorf("the local stack's config.json %v", cfg)
	}
}

// TestTimesTick (issue 20, 4): the ETA counts down on the open page and says "overdue" once it
// has passed, with no new answer from the API; a stalled job shows no ETA and its stage says how
// long it has been silent.
func TestTimesTick(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "ticks")
	id := "eta-tick"
	e.send(t, u, id, started().atTime(time.Now().Add(-time.Minute)).stallAfter(time.Hour))
	e.waitJobStatus(t, u, id, job.Started, -1)
	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/jobs/"+id)
	// 10 % five seconds ago, 90 % in five seconds (a clock a little ahead): the ETA is about
	// 6 s from now.
	now := time.Now()
	e.send(t, u, id, progress(10).atTime(now.Add(-5*time.Second)).stallAfter(time.Hour),
		progress(90).atTime(now.Add(5*time.Second)).stallAfter(time.Hour))
	waitJS(t, ctx, "an ETA", `!!document.querySelector('#eta .rel')`)
	first := eval[string](t, ctx, `(window.etaNode = document.querySelector('#eta .rel')).textContent`)
	// The same node (no new answer drew it) changes its text, and says overdue once passed.
	waitJS(t, ctx, "the same ETA, now overdue", fmt.Sprintf(`window.etaNode.isConnected && window.etaNode.textContent !== %s &&
		window.etaNode.textContent.startsWith('overdue by ')`, jsString(first)))

	stalled := "eta-stalled" // the stack's 3 s stall window
	now = time.Now()
	e.send(t, u, stalled, started().atTime(now.Add(-20*time.Second)), progress(10).atTime(now.Add(-10*time.Second)), progress(20))
	do(t, ctx, chromedp.Navigate(e.pageURL("/jobs/"+stalled)))
	waitJS(t, ctx, "stalled", `!!document.querySelector('#stalled')`)
	if eval[bool](t, ctx, `!!document.querySelector('#eta')`) {
		t.Error("a stalled job shows an ETA")
	}
	stage := eval[string](t, ctx, `document.querySelector('#job .stages li[aria-current]').innerText`)
	if !strings.Contains(stage, "stalled: no word for ") || strings.Contains(stage, "so far") {
		t.Errorf("the stalled stage says %q", stage)
	}
}

// TestOutage (issue 20, 4): while the API cannot be reached, the notice counts down to the next
// try and offers "Retry now", which tries at once; what is shown is marked out of date and its
// ETA hidden; a job page that cannot load says so instead of "Loading…".
func TestOutage(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "outage")
	id, other := "eta-outage", "never-loaded"
	now := time.Now()
	e.send(t, u, id, started().atTime(now.Add(-time.Minute)).stallAfter(time.Hour),
		progress(10).atTime(now.Add(-30*time.Second)).stallAfter(time.Hour), progress(20).stallAfter(time.Hour))
	e.send(t, u, other, started().stallAfter(time.Hour))
	e.waitJobStatus(t, u, id, job.InProgress, 20)
	e.waitJobStatus(t, u, other, job.Started, -1)

	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/jobs/"+id)
	waitJS(t, ctx, "the ETA", `!!document.querySelector('#eta') && document.querySelector('#eta').offsetParent !== null`)
	asked := make(chan struct{}, 1000) // one per request to the API
	if err := chromedp.Listen(ctx, func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok && strings.Contains(r.Request.URL, "/status/") {
			select {
			case asked <- struct{}{}:
			default:
			}
		}
	}); err != nil {
		t.Fatal(err)
	}
	block(t, ctx, e, true)
	waitText(t, ctx, "#notice", "trying again in ")
	waitJS(t, ctx, "out of date", `document.getElementById('main').classList.contains('stale') &&
		document.querySelector('.stalemark').offsetParent !== null && document.querySelector('#eta').offsetParent === null`)
	for len(asked) > 0 {
		<-asked
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(`#retry`)))
	select {
	case <-asked:
	case <-time.After(waitFor):
		t.Fatal("Retry now sent no request")
	}
	waitJS(t, ctx, "the notice, still counting down", noticeShown+` && document.getElementById('notice').textContent.includes('trying again in ')`)

	do(t, ctx, chromedp.Navigate(e.pageURL("/jobs/"+other)))
	waitText(t, ctx, "#loaderror", "Could not load this job")
	block(t, ctx, e, false)
	waitJS(t, ctx, "recovery", `!!document.querySelector('#job .stages') && !(`+noticeShown+`) && !document.getElementById('main').classList.contains('stale')`)
}

func block(t *testing.T, ctx context.Context, e *env, on bool) {
	t.Helper()
	if _, err := chromedp.Call(ctx, network.SetBlockedURLs, network.SetBlockedURLsParams{URLPatterns: []*network.BlockPattern{
		{URLPattern: e.state.HTTPEndpoint + "/status/*", Block: on}}}); err != nil {
		t.Fatal(err)
	}
}

// TestFailedJobKeepsProgress (issue 20, 5): a job that failed at 12 % shows 12 % in a bar of the
// failed colour, in the list and on its page; in dark mode the failed stage's dot is red, not
// the grey of a stage not reached.
func TestFailedJobKeepsProgress(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "failed12")
	id := "failed-at-12"
	e.send(t, u, id, started(), progress(12), failed("loss is NaN"))
	e.waitJobStatus(t, u, id, job.Failed, 12)
	ctx := e.tab(t, time.Minute)
	e.signIn(t, ctx, u, "/")
	waitJS(t, ctx, "12 % in the list", fmt.Sprintf(`(li => li?.querySelector('progress').value === 12 && li.querySelector('.pct').textContent === '12 %%' && li.querySelector('.bar.failed'))(document.querySelector('#jobs li[data-id=%s]'))`, jsString(id)))
	do(t, ctx, chromedp.Click(chromedp.CSS(`#jobs li a`)))
	waitJS(t, ctx, "12 % on the job page", jobProgress+` === 12 && document.querySelector('#job .pct').textContent === '12 %' && !!document.querySelector('#job .bar.failed')`)
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: "dark"}}}); err != nil {
		t.Fatal(err)
	}
	rgb := eval[[]float64](t, ctx, `getComputedStyle(document.querySelector('.stage.failed .dot')).backgroundColor.match(/\d+/g).slice(0, 3).map(Number)`)
	if rgb[0] < rgb[1]+80 || rgb[0] < rgb[2]+80 {
		t.Errorf("the failed dot in dark mode is rgb%v, want a red", rgb)
	}
}

// TestEmailLinkOpensSignedIn (issue 20, 6): with the page signed in in one tab, the job link of
// an email opened in a new tab of the same browser shows the job at once, signed in by a hand-off
// from the open tab; signing out there signs this tab out too. With no tab open, the link asks
// to sign in and then shows the job.
func TestEmailLinkOpensSignedIn(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "mailer")
	id := "emailed-job"
	e.send(t, u, id, started(), succeeded())
	e.waitJobStatus(t, u, id, job.Success, -1)

	first := e.tab(t, time.Minute)
	e.signIn(t, first, u, "/")
	second, closeSecond := chromedp.NewContext(first) // a new tab in the same browser context
	defer closeSecond()
	do(t, second, chromedp.Navigate(e.pageURL("/jobs/"+id)))
	waitJS(t, second, "the job, signed in", jobPill+` === 'Succeeded'`)
	if eval[bool](t, second, `!!document.querySelector('form.auth') || !sessionStorage.getItem('trainstatus.refresh')`) {
		t.Error("the new tab is not signed in on its own")
	}
	do(t, first, chromedp.Click(chromedp.CSS(`#signout`)))
	waitText(t, second, "main", "You signed out in another tab.")
	waitJS(t, second, "signed out", `!!document.querySelector('form.auth') && document.getElementById('account').hidden`)

	alone := e.tab(t, time.Minute) // another browser context: no tab to hand over a session
	do(t, alone, chromedp.Navigate(e.pageURL("/jobs/"+id)))
	waitText(t, alone, "main h1", "Sign in")
	e.signIn(t, alone, u, "/jobs/"+id)
	waitJS(t, alone, "the linked job after signing in", jobPill+` === 'Succeeded'`)
}

// TestSmallThings (issue 20, 7; issue 18): a one-line header on a phone; no focus ring on the
// heading for a mouse user's direct load; the status filter, "stalled" and a name search kept in
// the URL, across a reload and a visit to a job; jobs called by their names; the sign-up hint
// says the pool's password length.
func TestSmallThings(t *testing.T) {
	e := getEnv(t)
	u := e.newUser(t, "small")
	ago := time.Now().Add(-time.Hour)
	e.send(t, u, "bert-base", started().atTime(ago), succeeded().atTime(ago.Add(time.Minute)))
	e.send(t, u, "bert-large", started().atTime(ago.Add(2*time.Minute)), failed("NaN").atTime(ago.Add(3*time.Minute)))
	e.send(t, u, "gpt-quiet", started().atTime(ago.Add(4*time.Minute))) // stalled: the stack's 3 s window
	e.send(t, u, "vit-run", started().atTime(ago.Add(5*time.Minute)).named("ViT-B/16 on ImageNet").stallAfter(time.Hour),
		progress(5).named("ViT-B/16 on ImageNet").stallAfter(time.Hour))
	e.waitJobStatus(t, u, "vit-run", job.InProgress, 5)
	e.waitJobStatus(t, u, "gpt-quiet", job.Started, -1)
	e.waitJobStatus(t, u, "bert-large", job.Failed, -1)

	ctx := e.tab(t, 2*time.Minute)
	e.signIn(t, ctx, u, "/")
	rows := `[...document.querySelectorAll('#jobs li')].map(li => li.dataset.id).join(' ')`
	waitJS(t, ctx, "four jobs", `document.querySelectorAll('#jobs li').length === 4`)
	if got := eval[string](t, ctx, `document.querySelector('#jobs li[data-id="vit-run"] a').textContent`); got != "ViT-B/16 on ImageNet" {
		t.Errorf("the named job's row says %q", got)
	}

	do(t, ctx, chromedp.EmulateViewport(phone[0], phone[1], chromedp.EmulatePortrait, chromedp.EmulateMobile))
	line := eval[[]float64](t, ctx, `(rs => [Math.max(...rs.map(r => r.top)), Math.min(...rs.map(r => r.bottom))])(
		['.brand', '#notify-label', '#signout'].map(s => document.querySelector(s).getBoundingClientRect()))`)
	if line[0] >= line[1] {
		t.Errorf("the phone header is not one line: its items' tops reach %.0f px, past the first one's bottom %.0f px", line[0], line[1])
	}
	do(t, ctx, chromedp.EmulateViewport(desktop[0], desktop[1]))

	// A direct load (no click, no key): the heading has the focus, without a ring.
	do(t, ctx, chromedp.Navigate(e.pageURL("/")))
	waitJS(t, ctx, "the list", `document.querySelectorAll('#jobs li').length === 4`)
	focus := eval[[]string](t, ctx, `[document.activeElement.tagName, getComputedStyle(document.activeElement).outlineStyle]`)
	if focus[0] != "H1" || focus[1] != "none" {
		t.Errorf("after a direct load the focus is on %s with outline %s; want the heading, no ring", focus[0], focus[1])
	}

	choose := func(status string) {
		eval[bool](t, ctx, fmt.Sprintf(`(s => { s.value = %s; s.dispatchEvent(new Event('change')); return true })(document.getElementById('filter'))`, jsString(status)))
	}
	cases := []struct {
		status, search, want, query string
	}{
		{"FAILED", "", "bert-large", "status=FAILED"},
		{"stalled", "", "gpt-quiet", "status=stalled"},
		{"", "BERT", "bert-large bert-base", "q=BERT"},
		{"", "imagenet", "vit-run", "q=imagenet"},
	}
	for _, tc := range cases {
		t.Run(tc.query, func(t *testing.T) {
			do(t, ctx, chromedp.Navigate(e.pageURL("/")))
			waitJS(t, ctx, "the list", `document.querySelectorAll('#jobs li').length === 4`)
			choose(tc.status)
			if tc.search != "" {
				do(t, ctx, chromedp.SendKeys(chromedp.CSS(`#search`), tc.search))
			}
			waitJS(t, ctx, "the filtered rows", fmt.Sprintf(`%s === %s`, rows, jsString(tc.want)))
			if got := eval[string](t, ctx, `location.search`); !strings.Contains(got, tc.query) {
				t.Errorf("the URL's query %q lacks %q", got, tc.query)
			}
			do(t, ctx, chromedp.Reload())
			waitJS(t, ctx, "the same rows after a reload", fmt.Sprintf(`%s === %s`, rows, jsString(tc.want)))
			do(t, ctx, chromedp.Click(chromedp.CSS(`#jobs li a`)))
			waitJS(t, ctx, "a job", `!!document.querySelector('#job .stages')`)
			do(t, ctx, chromedp.Click(chromedp.CSS(`a.back`)))
			waitJS(t, ctx, "the same rows back from a job", fmt.Sprintf(`%s === %s`, rows, jsString(tc.want)))
		})
	}

	// The sign-up hint says the pool's length.
	out := e.tab(t, time.Minute)
	do(t, out, chromedp.Navigate(e.pageURL("/")), chromedp.WaitVisible(chromedp.CSS(`form.auth`)), chromedp.Click(chromedp.CSS(`form.auth button.link`)))
	waitText(t, out, "#pw-hint", "At least "+strconv.Itoa(deploy.PasswordMinLength)+" characters")
	if got := eval[string](t, out, `document.querySelector('input[name=password]').getAttribute('minlength')`); got != strconv.Itoa(deploy.PasswordMinLength) {
		t.Errorf("password minlength %s, want %d", got, deploy.PasswordMinLength)
	}
	if hint := stack.SignUpCodeHint(e.state); !strings.Contains(hint, e.state.CognitoDir) {
		t.Errorf("the sign-up code hint %q does not name cognito-local's folder", hint)
	}
}
