package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"regexp"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trainstatus/trainstatus/cmd/trainstatus/internal/platform"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/retry"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func init() {
	register(commands, "run", command{"run a command and report it as a job: STARTED, heartbeats, SUCCESS or FAILED", runRun})
}

// Defaults and bounds of run.
const (
	defaultHeartbeat    = time.Minute     // well inside the 15 min default stall window
	minHeartbeat        = time.Second     // a shorter one would only be refused by the rate limit
	defaultFlushTimeout = 5 * time.Second // how long the last events may hold up the exit
	// minProgressInterval: progress read from the output is sent at most this often (a progress
	// bar redraws many times a second); the heartbeat and the final event carry the latest.
	minProgressInterval = 5 * time.Second
	stderrTailBytes     = 16 << 10 // kept for the FAILED event's error
	requestTimeout      = 10 * time.Second
	// waitDelay: after the command ends, how long its output pipes may stay open (held by a
	// process it left behind) before run stops copying them and reports.
	waitDelay = 2 * time.Second
	// Exit statuses of a command that could not be started, as a shell gives them.
	exitNotFound      = 127
	exitNotExecutable = 126
)

// defaultStallWindow is the deployment's default stall window (status-query's STALL_WINDOW),
// which a job without --stall-after gets.
var defaultStallWindow, _ = time.ParseDuration(deploy.StallWindowVar.Default)

// sendPolicy spaces the background sender's attempts after a failure.
var sendPolicy = retry.Policy{Base: 500 * time.Millisecond, Max: 30 * time.Second}

func runRun(_ context.Context, e *env, args []string) error {
	flags := newFlags(e, "run", "run [--name NAME] [--job-id ID] [--heartbeat 60s] [--progress-regex RE] [--stall-after D] [--flush-timeout 5s] [--fail-on-sigterm=false] -- COMMAND ARGS...")
	name := flags.String("name", "", "the job's display name (default: the command line)")
	jobID := flags.String("job-id", "", "continue this job (a request id) instead of starting a new one (default $"+EnvJobID+")")
	heartbeat := flags.Duration("heartbeat", defaultHeartbeat, "how often to say the command is still running (at least 1s)")
	progressExpr := flags.String("progress-regex", "", "read progress from the command's output: the first capture group of a matching line is the percent")
	stallAfter := flags.Duration("stall-after", 0, "the job's own stall window, 1m to 168h (default: the deployment's, 15 min)")
	flushTimeout := flags.Duration("flush-timeout", defaultFlushTimeout, "how long the last events may delay the exit when the API is slow or down")
	failOnSIGTERM := flags.Bool("fail-on-sigterm", true, "a command that fails after run was sent SIGTERM is FAILED; false leaves the job open, for a pre-emptible run to continue with --job-id")
	apiURL := flags.String("api-url", "", "the HTTP API's base URL (default $"+EnvAPIURL+", else the config file's)")
	// Flags end at the command: its own flags are its own.
	if err := flags.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return &usageError{err.Error()}
	}
	argv := flags.Args()
	if len(argv) == 0 {
		return usagef("run: want a COMMAND to run, e.g. trainstatus run --name resnet50 -- python train.py")
	}
	spec, err := newRunSpec(e, runFlags{
		name: *name, jobID: *jobID, heartbeat: *heartbeat, progress: *progressExpr,
		stallAfter: *stallAfter, flushTimeout: *flushTimeout, failOnSIGTERM: *failOnSIGTERM,
	}, argv)
	if err != nil {
		return err
	}
	rep := openReporter(e, *apiURL, spec)
	code := spec.run(e, argv)
	if rep != nil {
		// Not the command line's context: an interrupt went to the command, whose end is reported.
		if err := rep.close(context.Background(), spec.flushTimeout); err != nil {
			fmt.Fprintf(e.stderr, "%s: could not report job %s: %s\n", programName, spec.requestID, sanitize(err.Error()))
		}
	}
	if code != 0 {
		return exitCode(code)
	}
	return nil
}

// runFlags are run's flags, before they are checked.
type runFlags struct {
	name, jobID, progress               string
	heartbeat, stallAfter, flushTimeout time.Duration
	failOnSIGTERM                       bool
}

// runSpec is a checked run: everything known before the command starts.
type runSpec struct {
	requestID, name string
	heartbeat       time.Duration
	stallAfter      time.Duration
	flushTimeout    time.Duration
	progress        *regexp.Regexp // nil: no progress from the output
	// failOnSIGTERM false: a command that ends badly after run was asked to terminate (a
	// pre-emption) leaves the job open (IN_PROGRESS) instead of FAILED, which is final: the
	// resumed run continues it with --job-id, and if none comes the stall alert says so.
	failOnSIGTERM bool
	now           func() time.Time

	mu       sync.Mutex
	seq      uint64
	last     time.Time // the last event's time: events never go back, whatever the clock does
	pct      *float64  // the last progress read from the output
	msg      string    // the message that came with it
	sentPct  time.Time // when progress was last queued
	reporter *reporter
}

func newRunSpec(e *env, f runFlags, argv []string) (*runSpec, error) {
	s := &runSpec{heartbeat: f.heartbeat, stallAfter: f.stallAfter, flushTimeout: f.flushTimeout, failOnSIGTERM: f.failOnSIGTERM, now: e.now}
	switch {
	case f.heartbeat < minHeartbeat:
		return nil, usagef("run: --heartbeat must be at least %s", minHeartbeat)
	case f.flushTimeout <= 0:
		return nil, usagef("run: --flush-timeout must be positive")
	case f.stallAfter != 0 && f.heartbeat >= f.stallAfter:
		return nil, usagef("run: --heartbeat (%s) must be shorter than --stall-after (%s), or the job looks stalled between two", f.heartbeat, f.stallAfter)
	case f.stallAfter == 0 && f.heartbeat >= defaultStallWindow:
		return nil, usagef("run: --heartbeat (%s) must be shorter than the default stall window (%s), or give a longer --stall-after", f.heartbeat, defaultStallWindow)
	}
	if f.progress != "" {
		re, err := compileProgress(f.progress)
		if err != nil {
			return nil, usagef("run: %v", err)
		}
		s.progress = re
	}
	s.name = f.name
	if s.name == "" {
		s.name = defaultName(argv)
	}
	s.requestID = firstNonEmpty(f.jobID, e.getenv(EnvJobID))
	if s.requestID == "" {
		s.requestID = trainevent.NewRequestID(s.name, e.now())
	}
	// The first event, checked now: a bad name, id or window is refused before anything runs.
	if _, err := ownedBody(s.event(job.Started, "", "")); err != nil {
		return nil, usagef("run: %v", err)
	}
	s.seq, s.last = 0, time.Time{}
	return s, nil
}

// openReporter starts the background sender, or says in one line why the run is not reported
// (the command runs all the same).
func openReporter(e *env, apiFlag string, s *runSpec) *reporter {
	c, err := loadConfig(e)
	if apiFlag != "" {
		c.APIURL = trimSlash(apiFlag)
	}
	switch {
	case err != nil:
		fmt.Fprintf(e.stderr, "%s: not reporting job %s: %s\n", programName, s.requestID, sanitize(err.Error()))
		return nil
	case c.Token == "" || c.APIURL == "":
		fmt.Fprintf(e.stderr, "%s: not reporting job %s: no reporting token or API URL (run `%s login`, or set $%s and $%s)\n",
			programName, s.requestID, programName, EnvReportingToken, EnvAPIURL)
		return nil
	}
	fmt.Fprintf(e.stderr, "%s: reporting job %s (%s) to %s\n", programName, s.requestID, oneLine(s.name, 80), c.APIURL)
	s.reporter = newReporter(newIngestClient(c, requestTimeout), sendPolicy)
	return s.reporter
}

// event builds the next event of the run.
func (s *runSpec) event(status job.Status, msg, errText string) trainevent.Event {
	t := s.now().UTC()
	if t.Before(s.last) {
		t = s.last
	}
	s.last = t
	ev := trainevent.Event{
		RequestID: s.requestID, Status: status, EventTime: t, Seq: s.seq,
		Message: msg, Error: errText, Name: s.name, StallAfter: s.stallAfter,
	}
	s.seq++
	if s.pct != nil && status != job.Started {
		p := *s.pct
		ev.Progress = &p
	}
	return ev
}

// report queues an event, when the run is reported.
func (s *runSpec) report(status job.Status, msg, errText string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reportLocked(status, msg, errText)
}

// reportLocked is report with s.mu held.
func (s *runSpec) reportLocked(status job.Status, msg, errText string) {
	if s.reporter != nil {
		s.reporter.add(s.event(status, msg, errText))
	}
}

// onLine looks for progress in a line of the command's output.
func (s *runSpec) onLine(line string) {
	pct, msg, ok := progressMatch(s.progress, line)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	changed := s.pct == nil || *s.pct != pct
	s.pct, s.msg = &pct, msg
	if changed && (s.sentPct.IsZero() || s.now().Sub(s.sentPct) >= minProgressInterval) {
		s.sentPct = s.now()
		s.reportLocked(job.InProgress, msg, "")
	}
}

// run runs the command to its end, reporting it, and returns its exit status.
func (s *runSpec) run(e *env, argv []string) int {
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), EnvJobID+"="+s.requestID) // a reporter inside continues this job
	cmd.Stdin = e.stdin
	tail := newTailBuffer(stderrTailBytes)
	var stdout io.Writer = e.stdout
	var stderr io.Writer = &teeWriter{first: tail, out: e.stderr}
	if s.progress != nil {
		stdout = &lineWriter{out: stdout, onLine: s.onLine}
		stderr = &lineWriter{out: stderr, onLine: s.onLine}
	}
	cmd.Stdout, cmd.Stderr = stdout, stderr
	cmd.WaitDelay = waitDelay

	sigs := make(chan os.Signal, 8)
	signal.Notify(sigs, platform.ForwardedSignals...)
	defer signal.Stop(sigs)
	start := s.now()
	host, _ := os.Hostname()
	// STARTED is queued before the command's first line of output can be read (onLine waits
	// for s.mu): a progress report never precedes it.
	s.mu.Lock()
	if err := cmd.Start(); err != nil {
		s.mu.Unlock()
		code := exitNotExecutable
		if errors.Is(err, exec.ErrNotFound) || errors.Is(err, fs.ErrNotExist) {
			code = exitNotFound
		}
		fmt.Fprintf(e.stderr, "%s: %s\n", programName, sanitize(err.Error()))
		s.report(job.Failed, "", cutUTF8("could not start: "+stripEscapes(err.Error()), trainevent.MaxErrorLen))
		return code
	}
	s.reportLocked(job.Started, cutUTF8(fmt.Sprintf("running on %s (pid %d)", oneLine(host, 100), cmd.Process.Pid), trainevent.MaxMessageLen), "")
	s.mu.Unlock()

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(2)
	keyboard := platform.KeyboardReachesChild()
	var terminated atomic.Bool // run was asked to terminate: a pre-emption, as a scheduler does it
	go func() {
		defer wg.Done()
		for {
			select {
			case sig := <-sigs:
				if platform.IsTermination(sig) {
					terminated.Store(true)
				}
				platform.Forward(cmd.Process, sig, keyboard)
			case <-stop:
				return
			}
		}
	}()
	go func() {
		defer wg.Done()
		t := time.NewTicker(s.heartbeat)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				s.mu.Lock()
				msg := s.msg
				s.mu.Unlock()
				s.report(job.InProgress, msg, "")
			case <-stop:
				return
			}
		}
	}()
	err := cmd.Wait()
	close(stop)
	wg.Wait()
	if cmd.ProcessState == nil { // Wait failed before the command ended: not seen on any system
		fmt.Fprintf(e.stderr, "%s: %s\n", programName, sanitize(err.Error()))
		s.report(job.Failed, "", cutUTF8(stripEscapes(err.Error()), trainevent.MaxErrorLen))
		return exitFailed
	}
	code, how := platform.ExitStatus(cmd.ProcessState)
	took := clock(s.now().Sub(start))
	if code == 0 {
		s.report(job.Success, how+" after "+took, "")
		return 0
	}
	if terminated.Load() && !s.failOnSIGTERM {
		s.report(job.InProgress, cutUTF8("pre-empted: "+how+" after "+took+"; left open to be continued", trainevent.MaxMessageLen), "")
		fmt.Fprintf(e.stderr, "%s: job %s left open (SIGTERM, --fail-on-sigterm=false): continue it with %s run --job-id %s -- ...\n",
			programName, s.requestID, programName, s.requestID)
		return code
	}
	s.report(job.Failed, "", failureText(how+" after "+took, tail.String(), trainevent.MaxErrorLen))
	return code
}

// teeWriter writes to first, which never fails, then to out: the command's stderr reaches the
// terminal unchanged, and its tail is kept even when the terminal is gone.
type teeWriter struct {
	first io.Writer
	out   io.Writer
}

func (t *teeWriter) Write(p []byte) (int, error) {
	t.first.Write(p)
	return t.out.Write(p)
}
