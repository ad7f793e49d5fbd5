package browsertest

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// waitFor is the longest any single condition on the screen is waited for.
const waitFor = 20 * time.Second

var seq atomic.Uint64

// event is one training event of a test's job.
type event struct {
	status   job.Status
	progress float64 // < 0: none
	message  string
	err      string
	at       time.Time     // zero: now
	name     string        // the job's display name, if any
	stall    time.Duration // the job's own stall window, if any
}

// send sends events for job id of u through pkg/producer, the way a training job reports.
func (e *env) send(t testing.TB, u user, id string, evs ...event) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for _, ev := range evs {
		at := ev.at
		if at.IsZero() {
			at = time.Now()
		}
		te := trainevent.Event{RequestID: id, UserID: u.Sub, Status: ev.status, EventTime: at, Seq: seq.Add(1),
			Message: ev.message, Error: ev.err, Name: ev.name, StallAfter: ev.stall}
		if ev.progress >= 0 {
			p := ev.progress
			te.Progress = &p
		}
		if _, err := e.sender.Send(ctx, te); err != nil {
			t.Fatalf("sending %s %s: %v", id, ev.status, err)
		}
	}
}

// sendCLI sends events for job id of u with the real `trainstatus send`, as a user's training
// script does.
func (e *env) sendCLI(t testing.TB, u user, id string, evs ...event) {
	t.Helper()
	cli := testenv.CLI(t)
	for _, ev := range evs {
		args := []string{"send", "--request-id", id, "--user-id", u.Sub, "--status", string(ev.status), "--seq", strconv.FormatUint(seq.Add(1), 10)}
		if ev.progress >= 0 {
			args = append(args, "--progress", strconv.FormatFloat(ev.progress, 'f', -1, 64))
		}
		if ev.message != "" {
			args = append(args, "--message", ev.message)
		}
		if ev.err != "" {
			args = append(args, "--error", ev.err)
		}
		if !ev.at.IsZero() {
			args = append(args, "--time", job.FormatTime(ev.at))
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		cmd := exec.CommandContext(ctx, cli, args...)
		cmd.Env = append(os.Environ(), producer.EnvQueueURL+"="+e.state.QueueURL, "AWS_ENDPOINT_URL_SQS="+e.state.SQSEndpoint,
			"AWS_REGION="+e.state.Region, "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
			"AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null")
		out, err := cmd.CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("trainstatus %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
}

func started() event { return event{status: job.Started, progress: -1} }
func progress(p float64) event {
	return event{status: job.InProgress, progress: p, message: fmt.Sprintf("at %g %%", p)}
}
func succeeded() event                     { return event{status: job.Success, progress: -1, message: "done"} }
func failed(reason string) event           { return event{status: job.Failed, progress: -1, err: reason} }
func (ev event) atTime(at time.Time) event { ev.at = at; return ev }
func (ev event) named(name string) event   { ev.name = name; return ev }

// stallAfter gives the job its own stall window (the stack's is 3 s), for scenarios that must
// not see the job stall.
func (ev event) stallAfter(d time.Duration) event { ev.stall = d; return ev }

// waitJS waits until the JavaScript expression is truthy on the page, failing the test with what
// (and the page's main text) if it does not become so within waitFor.
func waitJS(t testing.TB, ctx context.Context, what, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Poll[chromedp.Void](expr, chromedp.WithPollingInterval(25*time.Millisecond),
		chromedp.WithPollingTimeout(waitFor))); err != nil {
		t.Fatalf("waiting for %s: %v\npage shows: %s", what, err, screenText(ctx))
	}
}

// waitText waits until the element sel shows text containing want.
func waitText(t testing.TB, ctx context.Context, sel, want string) {
	t.Helper()
	waitJS(t, ctx, fmt.Sprintf("%s shows %q", sel, want),
		fmt.Sprintf(`[...document.querySelectorAll(%s)].some(e => e.offsetParent !== null && e.textContent.includes(%s))`, jsString(sel), jsString(want)))
}

// screenText is the text of the page's notice and main, for failure messages.
func screenText(ctx context.Context) string {
	s, err := chromedp.Run(context.WithoutCancel(ctx), chromedp.Evaluate[string](
		`(document.getElementById('notice')?.hidden === false ? '[notice] ' + document.getElementById('notice').textContent + ' ' : '') + (document.querySelector('main')?.innerText ?? document.body.innerText)`))
	if err != nil {
		return "(unreadable: " + err.Error() + ")"
	}
	return s
}

func eval[T any](t testing.TB, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

func do(t testing.TB, ctx context.Context, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%v\npage shows: %s", err, screenText(ctx))
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// signIn signs u in on the page at path.
func (e *env) signIn(t testing.TB, ctx context.Context, u user, path string) {
	t.Helper()
	if err := SignIn(ctx, e.pageURL(path), u.Credentials); err != nil {
		t.Fatalf("%v\npage shows: %s", err, screenText(ctx))
	}
}

// violation is what axe-core reports of one rule.
type violation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// axeCheck runs axe-core on the page, light and dark, and fails the test for every serious or
// critical violation.
func (e *env) axeCheck(t testing.TB, ctx context.Context, page string) {
	t.Helper()
	defer func() {
		_, _ = chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	}()
	for _, scheme := range []string{"light", "dark"} {
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
			Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
			t.Fatal(err)
		}
		if !eval[bool](t, ctx, `typeof axe !== 'undefined'`) {
			if err := chromedp.Do(ctx, chromedp.Evaluate[chromedp.Void](e.axe)); err != nil {
				t.Fatalf("injecting axe-core: %v", err)
			}
		}
		vs, err := chromedp.Run(ctx, chromedp.Evaluate[[]violation](`axe.run(document, {resultTypes: ['violations']}).then(r =>
			r.violations.map(v => ({id: v.id, impact: v.impact || '', help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))})))`,
			chromedp.EvalAwaitPromise))
		if err != nil {
			t.Fatalf("running axe-core: %v", err)
		}
		for _, v := range vs {
			if v.Impact == "serious" || v.Impact == "critical" {
				t.Errorf("axe-core on the %s page (%s): %s %s: %s at %s", page, scheme, v.Impact, v.ID, v.Help, strings.Join(v.Nodes, ", "))
			}
		}
	}
}

// Screen sizes of the screenshots.
var (
	desktop = [2]int64{1280, 900}
	phone   = [2]int64{390, 844}
)

// screenshot saves the tab's page at size, in the colour scheme ("light" or "dark"), to
// build/screenshots/<name>.png, and puts the viewport and scheme back.
func screenshot(t testing.TB, ctx context.Context, name string, size [2]int64, scheme string) {
	t.Helper()
	if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{
		Features: []*emulation.MediaFeature{{Name: "prefers-color-scheme", Value: scheme}}}); err != nil {
		t.Fatal(err)
	}
	defer func() {
		_, _ = chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{})
	}()
	root, err := deps.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	var opts []chromedp.EmulateViewportOption
	if size == phone {
		opts = append(opts, chromedp.EmulatePortrait, chromedp.EmulateMobile, chromedp.EmulateScale(2))
	}
	do(t, ctx, chromedp.EmulateViewport(size[0], size[1], opts...))
	// Two animation frames: the new layout is painted.
	eval[bool](t, ctx, `new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(true))))`)
	path := filepath.Join(root, "build", "screenshots", name+".png")
	if err := SavePNG(ctx, path); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.EmulateViewport(desktop[0], desktop[1]))
	t.Logf("screenshot %s", path)
}
