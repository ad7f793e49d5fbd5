package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	neturl "net/url"
	"os"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// The environment variables watch reads when its flags are not given.
const (
	EnvAPIURL = "TRAINSTATUS_API_URL"
	EnvToken  = "TRAINSTATUS_TOKEN"
)

func init() {
	register(commands, "watch", command{"follow a job through the HTTP API with a progress bar until it ends", runWatch})
}

func runWatch(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "watch", "watch REQUEST_ID [--api-url URL] [--token TOKEN] [--interval 1s] [--wait 30s] [--timeout 0]")
	api := fs.String("api-url", "", "the HTTP API's base URL (default $"+EnvAPIURL+")")
	token := fs.String("token", "", "a Cognito ID or access token (default $"+EnvToken+")")
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
	tok, err := url(e, *token, "token", EnvToken)
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
		bar:      &bar{w: e.stdout, tty: isTerminal(e.stdout), width: terminalWidth(e.stdout)},
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
		job, done, err := w.poll(ctx)
		if err != nil {
			return err
		}
		if done {
			if job.Status == tables.StatusFailed {
				return fmt.Errorf("%w: %s FAILED: %s", errJobFailed, w.id, orDash(job.Error))
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
func (w *watcher) poll(ctx context.Context) (job tables.StatusItem, done bool, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, w.url, nil)
	if err != nil {
		return job, false, fmt.Errorf("watch: %w", err)
	}
	req.Header.Set("Authorization", "Bearer "+w.token)
	if w.etag != "" {
		req.Header.Set("If-None-Match", w.etag)
	}
	resp, err := w.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return job, false, ctx.Err()
		}
		w.transient(err.Error())
		return job, false, nil
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		w.transient(fmt.Sprintf("reading the answer: %v", err))
		return job, false, nil
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		if err := json.Unmarshal(body, &job); err != nil || !job.Status.Valid() {
			w.transient(fmt.Sprintf("unexpected answer: %s", oneLine(string(body), 200)))
			return job, false, nil
		}
		w.etag, w.lastErr, w.seen = resp.Header.Get("ETag"), "", true
		w.last = string(job.Status)
		w.bar.draw(line(job, w.now()))
		return job, job.Status.Final(), nil
	case resp.StatusCode == http.StatusNotModified:
		w.lastErr = ""
		return job, false, nil
	case resp.StatusCode == http.StatusUnauthorized:
		return job, false, fmt.Errorf("watch: 401 Unauthorized: the API refused the token (expired, or not from this API's user pool); log in again")
	case resp.StatusCode == http.StatusNotFound && !w.seen && w.now().Sub(w.started) < w.wait:
		w.transient(fmt.Sprintf("no job %q yet (its first event may not be processed yet; waiting up to %s)", w.id, w.wait))
		return job, false, nil
	case resp.StatusCode == http.StatusNotFound:
		return job, false, fmt.Errorf("watch: 404 Not Found: no job %q for this user (not reported yet, or another user's); %s", w.id, apiMessage(body))
	case resp.StatusCode >= 400 && resp.StatusCode < 500:
		return job, false, fmt.Errorf("watch: %s: %s", resp.Status, apiMessage(body))
	default:
		w.transient(fmt.Sprintf("%s: %s", resp.Status, apiMessage(body)))
		return job, false, nil
	}
}

// transient reports an error that the next poll may not have, once until something changes.
func (w *watcher) transient(msg string) {
	if msg == w.lastErr {
		return
	}
	w.lastErr = msg
	w.bar.interrupt()
	fmt.Fprintf(w.warn, "watch: %s (retrying every %s)\n", msg, w.interval)
}

// apiMessage is the message of the API's JSON error body, else the body itself.
func apiMessage(body []byte) string {
	var e struct {
		Error struct{ Code, Message string }
	}
	if json.Unmarshal(body, &e) == nil && e.Error.Message != "" {
		return e.Error.Code + ": " + e.Error.Message
	}
	return oneLine(string(body), 200)
}

// barWidth is the number of cells of the progress bar.
const barWidth = 24

// line is the one-line picture of job at now:
//
//	job-1  [############............]  50%  IN_PROGRESS  epoch 5/10  1m02s
func line(job tables.StatusItem, now time.Time) string {
	pct := 0.0
	switch {
	case job.Progress != nil:
		pct = *job.Progress
	case job.Status == tables.StatusSuccess:
		pct = 100
	}
	pct = min(max(pct, 0), 100)
	full := int(pct / 100 * barWidth)
	var b strings.Builder
	fmt.Fprintf(&b, "%s  [%s%s] %3.0f%%  %-11s", job.RequestID, strings.Repeat("#", full), strings.Repeat(".", barWidth-full), pct, job.Status)
	if msg := job.Message; msg != "" || job.Error != "" {
		if job.Error != "" {
			msg = "error: " + job.Error
		}
		b.WriteString("  " + oneLine(msg, 60))
	}
	if d, ok := elapsed(job, now); ok {
		b.WriteString("  " + clock(d))
	}
	return b.String()
}

// elapsed is the job's running time: from its start to its end, or to now while it runs.
func elapsed(job tables.StatusItem, now time.Time) (time.Duration, bool) {
	start, err := ddb.ParseTime(job.Timestamp)
	if err != nil {
		return 0, false
	}
	end := now
	if job.Status.Final() {
		if end, err = ddb.ParseTime(job.FinishedAt); err != nil {
			end, err = ddb.ParseTime(job.UpdatedAt)
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

// isTerminal reports whether w is a character device (a terminal).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
