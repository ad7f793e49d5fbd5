package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/cmd/trainstatus/internal/platform"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

func init() {
	register(commands, "watch", command{"follow a job through the HTTP API with a progress bar until it ends", runWatch})
}

func runWatch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "watch", "watch REQUEST_ID [--api-url URL] [--id-token TOKEN] [--interval 1s] [--wait 30s] [--timeout 0]")
	api := fs.String("api-url", "", "the HTTP API's base URL (default $"+EnvAPIURL+")")
	token := fs.String("id-token", "", "a Cognito ID or access token (default $"+EnvIDToken+")")
	legacyToken := fs.String("token", "", "the old name of --id-token (deprecated)")
	interval := fs.Duration("interval", time.Second, "time between two polls")
	timeout := fs.Duration("timeout", 0, "give up after this long (0: wait until the job ends)")
	wait := fs.Duration("wait", 30*time.Second, "how long a job may be unknown (404) before its first event is processed")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("watch: want one REQUEST_ID, got %d arguments", len(pos))
	}
	base, err := url(e, *api, "api-url", EnvAPIURL)
	if err != nil {
		return err
	}
	if *legacyToken != "" {
		fmt.Fprintf(e.stderr, "%s: warning: --token is deprecated: use --id-token (or $%s)\n", programName, EnvIDToken)
		if *token == "" {
			*token = *legacyToken
		}
	}
	tok, err := idToken(e, *token)
	if err != nil {
		return err
	}
	if *interval <= 0 || *timeout < 0 || *wait < 0 {
		return usagef("watch: --interval must be positive, --timeout and --wait not negative")
	}
	w := &watcher{
		client:   &http.Client{Timeout: 30 * time.Second},
		url:      strings.TrimRight(base, "/") + "/status/" + neturl.PathEscape(pos[0]),
		token:    tok,
		id:       pos[0],
		interval: *interval,
		wait:     *wait,
		now:      e.now,
		bar:      &bar{w: e.stdout, tty: platform.IsTerminal(e.stdout), width: platform.TerminalWidth(e.stdout)},
		warn:     e.stderr,
	}
	if *timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, *timeout)
		defer cancel()
	}
	err = w.run(ctx)
	if errors.Is(err, context.DeadlineExceeded) && *timeout > 0 {
		return fmt.Errorf("watch: gave up on job %s after --timeout %s (last seen: %s)", w.id, *timeout, w.last)
	}
	return err
}

// watcher polls one job's GET /status/{request_id} with If-None-Match until the job ends.
type watcher struct {
	client   *http.Client
	url      string
	token    string
	id       string
	interval time.Duration
	// wait is how long a 404 counts as "not reported yet": a script may start watch right after
	// sending its first event, before the status-updater has written it.
	wait time.Duration
	now  func() time.Time
	bar  *bar
	warn io.Writer

	started time.Time
	seen    bool // a 200 came: from now on a 404 is final
	etag    string
	last    string // the status last drawn, for the timeout message
	lastErr string // the last transient error reported, so it is reported once
}

// errJobFailed is returned when the job ends in FAILED.
var errJobFailed = errors.New("job failed")

// run polls until the job is SUCCESS (nil), FAILED (errJobFailed), refused by the API (401,
// 404, 400: an error saying so) or ctx ends (its error). Server errors and network failures are
// reported once and retried at the next poll.
func (w *watcher) run(ctx context.Context) error {
	w.last = "nothing yet"
	w.started = w.now()
	defer w.bar.end()
	for {
		j, done, err := w.poll(ctx)
		if err != nil {
			return err
		}
		if done {
			if j.Status == job.Failed {
				return fmt.Errorf("%w: %s FAILED: %s", errJobFailed, w.id, orDash(oneLine(sanitize(j.Error), 500)))
			}
			return nil
		}
		t := time.NewTimer(w.interval)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// poll makes one request; done reports a final status.
func (w *watcher) poll(ctx context.Context) (j statusapi.Job, done bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.url, nil)
	if err != nil {
		return j, false, fmt.Errorf("watch: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	if w.etag != "" {
		req.Header.Set("If-None-Match", w.etag)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return j, false, ctx.Err()
		}
		w.transient(sanitize(err.Error()))
		return j, false, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		w.transient(sanitize(fmt.Sprintf("reading the answer: %v", err)))
		return j, false, nil
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		if err := json.Unmarshal(body, &j); err != nil || !j.Status.Valid() {
			w.transient(fmt.Sprintf("unexpected answer: %s", oneLine(sanitize(string(body)), 200)))
			return j, false, nil
		}
		w.etag, w.lastErr, w.seen = resp.Header.Get("ETag"), "", true
		w.last = string(j.Status)
		w.bar.draw(line(j, w.now()))
		return j, j.Status.Final(), nil
	case resp.StatusCode == http.StatusNotModified:
		w.lastErr = ""
		return j, false, nil
	case resp.StatusCode == http.StatusUnauthorized:
		return j, false, fmt.Errorf("watch: 401 Unauthorized: the API refused the token (expired, or not from this API's user pool); log in again")
	case resp.StatusCode == http.StatusNotFound && !w.seen && w.now().Sub(w.started) < w.wait:
		w.transient(fmt.Sprintf("no job %q yet (its first event may not be processed yet; waiting up to %s)", w.id, w.wait))
		return j, false, nil
	case resp.StatusCode == http.StatusNotFound:
		return j, false, fmt.Errorf("watch: 404 Not Found: no job %q for this user (not reported yet, or another user's); %s", w.id, apiMessage(body))
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return j, false, fmt.Errorf("watch: %s: %s", resp.Status, apiMessage(body))
	default:
		w.transient(fmt.Sprintf("%s: %s", resp.Status, apiMessage(body)))
		return j, false, nil
	}
}

// transient reports an error that the next poll may not have, once until something changes.
func (w *watcher) transient(msg string) {
	if msg == w.lastErr {
		return
	}
	w.lastErr = msg
	w.bar.interrupt()
	msg = sanitize(msg)
	fmt.Fprintf(w.warn, "watch: %s (retrying every %s)\n", msg, w.interval)
}

// apiMessage is the message of the API's JSON error body, else the body itself.
func apiMessage(body []byte) string {
	var e struct {
		Error struct{ Code, Message string }
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return oneLine(sanitize(e.Error.Code+": "+e.Error.Message), 200)
	}
	return oneLine(sanitize(string(body)), 200)
}

// barWidth is the number of cells of the progress bar.
const barWidth = 24

// line is the one-line picture of j at now, with the ETA or how long it has been silent when the
// API says so:
//
//	job-1  [############............]  50%  IN_PROGRESS  epoch 5/10  1m02s  ETA 6m58s
//	job-1  [############............]  50%  IN_PROGRESS  epoch 5/10  21m02s  stalled for 17 min
//
// Everything that came from the API is sanitized: a job cannot write to the terminal.
func line(j statusapi.Job, now time.Time) string {
	pct := 0.0
	switch {
	case j.Progress != nil:
		pct = *j.Progress
	case j.Status == job.Success:
		pct = 100
	}
	pct = min(max(pct, 0), 100)
	full := int(pct / 100 * barWidth)
	var b strings.Builder
	fmt.Fprintf(&b, "%s  [%s%s] %3.0f%%  %-11s", oneLine(sanitize(j.RequestID), 128), strings.Repeat("#", full), strings.Repeat(".", barWidth-full), pct, j.Status)
	if msg := j.Message; msg != "" || j.Error != "" {
		if j.Error != "" {
			msg = "error: " + j.Error
		}
		b.WriteString("  " + oneLine(sanitize(msg), 60))
	}
	if d, ok := elapsed(j, now); ok {
		b.WriteString("  " + clock(d))
	}
	if s := eta(j, now); s != "" {
		b.WriteString("  " + s)
	}
	return b.String()
}

// eta says how far the end is: "stalled for N min" when the API says the job is stalled (counted
// from its last event), else "ETA 6m58s" when the API gives an estimate, else nothing. A final
// job has neither.
func eta(j statusapi.Job, now time.Time) string {
	if j.Status.Final() {
		return ""
	}
	if j.Stalled {
		last, err := job.ParseTime(j.UpdatedAt)
		if err != nil {
			return "stalled"
		}
		return fmt.Sprintf("stalled for %d min", int(max(now.Sub(last), 0)/time.Minute))
	}
	at, err := job.ParseTime(j.ETA)
	if j.ETA == "" || err != nil {
		return ""
	}
	if left := at.Sub(now); left > 0 {
		return "ETA " + clock(left)
	}
	return "ETA now"
}

// elapsed is the job's running time: from its start to its end, or to now while it runs.
func elapsed(j statusapi.Job, now time.Time) (time.Duration, bool) {
	start, err := job.ParseTime(j.Timestamp)
	if err != nil {
		return 0, false
	}
	end := now
	if j.Status.Final() {
		if end, err = job.ParseTime(j.FinishedAt); err != nil {
			end, err = job.ParseTime(j.UpdatedAt)
		}
		if err != nil {
			return 0, false
		}
	}
	return max(end.Sub(start), 0), true
}

// clock formats d as 7s, 1m02s or 3h04m05s.
func clock(d time.Duration) string {
	s := int(d.Round(time.Second).Seconds())
	switch {
	case s < 60:
		return fmt.Sprintf("%ds", s)
	case s < 3600:
		return fmt.Sprintf("%dm%02ds", s/60, s%60)
	}
	return fmt.Sprintf("%dh%02dm%02ds", s/3600, s/60%60, s%60)
}

// bar draws lines: on a terminal each one over the last (carriage return, clear to end of line),
// elsewhere one line each.
type bar struct {
	w     io.Writer
	tty   bool
	width int  // columns of the terminal, 0 if unknown
	drawn bool // a line is on screen without its newline
}

func (b *bar) draw(s string) {
	if b.tty {
		fmt.Fprintf(b.w, "\r%s\x1b[K", fit(s, b.width))
		b.drawn = true
		return
	}
	fmt.Fprintln(b.w, s)
}

// interrupt ends the drawn line so that another message can be written below it.
func (b *bar) interrupt() {
	if b.drawn {
		fmt.Fprintln(b.w)
		b.drawn = false
	}
}

func (b *bar) end() { b.interrupt() }
