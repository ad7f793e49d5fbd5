package demo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"syscall"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// The two commands the owner runs through `trainstatus run`: any program, here sh, reporting
// nothing itself. The first succeeds printing its progress, the second fails with a Python-like
// error on stderr, which becomes the FAILED job's error.
var (
	tokenRunName  = "fine-tune bert (trainstatus run)"
	tokenRunShell = `echo "epoch 1/2 50%"; echo "epoch 2/2 100%"`
	failRunName   = "fine-tune bert lr=1 (trainstatus run)"
	failRunShell  = `echo "epoch 1/2 10%"; echo "Traceback (most recent call last):" >&2; echo "RuntimeError: CUDA out of memory" >&2; exit 3`
	failRunStatus = 3
	failRunTail   = "Traceback (most recent call last):\nRuntimeError: CUDA out of memory"
	// killRunShell dies of SIGKILL, as the kernel's OOM killer ends a job: 128+9, like a shell.
	killRunName   = "fine-tune bert, OOM-killed (trainstatus run)"
	killRunShell  = `echo "loading shard 7" >&2; kill -KILL $$`
	killRunStatus = 128 + 9
	// termRunShell waits to be cancelled, as a pre-empted job is: SIGTERM to `trainstatus run`
	// (what a scheduler sends) is forwarded to it. exec: the shell becomes sleep, which dies of it.
	termRunName   = "fine-tune bert, pre-empted (trainstatus run)"
	termRunShell  = `echo ready; exec sleep 600`
	termRunStatus = 128 + 15
)

// reportingLine is the line run writes on stderr when it starts: it names the job.
var reportingLine = regexp.MustCompile(`trainstatus: reporting job (\S+) \(`)

// tokenJob is a job reported through `trainstatus run`, as the API last showed it.
type tokenJob struct {
	id   string
	etag string
}

// runWithToken runs the owner's two commands through `trainstatus run` with her reporting token
// (the stack's, in its state) and checks each on the API: SUCCESS with its name and progress,
// FAILED with the exit status and the stderr tail. It returns the successful job.
func (d *demo) runWithToken(ctx context.Context, c cli, token string, owner cognito.User) (tokenJob, error) {
	r := c.reporting(token)
	ok, err := d.runReported(ctx, r, owner, tokenRunName, tokenRunShell, 0, func(j statusapi.Job) error {
		if j.Status != job.Success || j.Name != tokenRunName || j.Progress == nil || *j.Progress != 100 {
			return fmt.Errorf("want SUCCESS at 100%% named %q", tokenRunName)
		}
		return nil
	})
	if err != nil {
		return tokenJob{}, err
	}
	d.check(fmt.Sprintf("`trainstatus run -- sh -c ...` with %s's reporting token: %s", owner.Email, ok.id), ok.err, ok.detail)

	bad, err := d.runReported(ctx, r, owner, failRunName, failRunShell, failRunStatus, func(j statusapi.Job) error {
		if j.Status != job.Failed || !strings.HasPrefix(j.Error, fmt.Sprintf("exit status %d after ", failRunStatus)) || !strings.HasSuffix(j.Error, failRunTail) {
			return fmt.Errorf("want FAILED with the exit status and %q", failRunTail)
		}
		return nil
	})
	if err != nil {
		return tokenJob{}, err
	}
	d.check(fmt.Sprintf("a failing command through `trainstatus run`: exit status %d kept, FAILED with its stderr tail", failRunStatus), bad.err, bad.detail)

	killed, err := d.runReported(ctx, r, owner, killRunName, killRunShell, killRunStatus, func(j statusapi.Job) error {
		if j.Status != job.Failed || !strings.HasPrefix(j.Error, "killed by signal SIGKILL after ") || !strings.HasSuffix(j.Error, "\nloading shard 7") {
			return errors.New("want FAILED, killed by signal SIGKILL, with its stderr tail")
		}
		return nil
	})
	if err != nil {
		return tokenJob{}, err
	}
	d.check(fmt.Sprintf("a command killed by SIGKILL: status %d, as a shell says, FAILED \"killed by signal SIGKILL\"", killRunStatus), killed.err, killed.detail)

	r.onReady = func(p *os.Process) error { return p.Signal(syscall.SIGTERM) }
	term, err := d.runReported(ctx, r, owner, termRunName, termRunShell, termRunStatus, func(j statusapi.Job) error {
		if j.Status != job.Failed || !strings.HasPrefix(j.Error, "killed by signal SIGTERM after ") {
			return errors.New("want FAILED, killed by signal SIGTERM")
		}
		return nil
	})
	if err != nil {
		return tokenJob{}, err
	}
	d.check(fmt.Sprintf("SIGTERM to `trainstatus run` (a scheduler's cancel) is forwarded: status %d, FAILED \"killed by signal SIGTERM\"", termRunStatus), term.err, term.detail)
	return tokenJob{id: ok.id, etag: ok.etag}, nil
}

// reported is what runReported saw.
type reported struct {
	id, etag, detail string
	err              error // the check's
}

// runReported runs sh -c script through `trainstatus run --name name` and waits until the API
// shows the job final; want checks it. The wrapped command's status must come back unchanged
// and nothing may be left unsent.
func (d *demo) runReported(ctx context.Context, r cli, owner cognito.User, name, script string, wantStatus int, want func(statusapi.Job) error) (reported, error) {
	stdout, stderr, err := r.output(ctx, "run", "--name", name, "--progress-regex", `(\d+)%`, "--", "sh", "-c", script)
	var ee *exec.ExitError
	status := 0
	if errors.As(err, &ee) {
		status = ee.ExitCode()
	} else if err != nil {
		return reported{}, fmt.Errorf("trainstatus run: %w", err)
	}
	m := reportingLine.FindStringSubmatch(stderr)
	if m == nil {
		return reported{}, fmt.Errorf("trainstatus run did not report (exit %d): %s", status, strings.TrimSpace(stderr))
	}
	out := reported{id: m[1]}
	switch {
	case status != wantStatus:
		out.err = fmt.Errorf("exit status %d, want the command's %d; stderr: %s", status, wantStatus, stderr)
	case strings.Contains(stderr, "could not report"):
		out.err = fmt.Errorf("events not sent: %s", stderr)
	}
	a, werr := waitJob(ctx, d.st.State.APIURL, owner.IDToken, out.id, 20*time.Second, func(body []byte) bool {
		var j statusapi.Job
		return json.Unmarshal(body, &j) == nil && j.Status.Final()
	})
	var j statusapi.Job
	if werr == nil {
		werr = json.Unmarshal(a.body, &j)
	}
	if werr == nil {
		werr = want(j)
	}
	if out.err == nil && werr != nil {
		out.err = fmt.Errorf("%w: %s", werr, a.body)
	}
	out.etag = a.etag
	out.detail = fmt.Sprintf("exit %d; stdout %q\n        %s", status, stdout, a.body)
	return out, nil
}

// checkOtherToken has the other user make a reporting token of his own with `trainstatus token
// create` (his ID token), then try to touch the owner's job with it: an event naming her is
// refused by the ingest endpoint, and an event for the same request id without a user id is his
// own job (a job is (owner, request id)), which leaves hers unchanged (304 on her ETag).
func (d *demo) checkOtherToken(ctx context.Context, c cli, other, owner cognito.User, j tokenJob) error {
	api := d.st.State.APIURL
	secret, err := c.with(envIDToken+"="+other.IDToken).run(ctx, "token", "create", "bob-laptop")
	secret = strings.TrimSpace(secret)
	if err != nil {
		return err
	}
	list, err := c.with(envIDToken+"="+other.IDToken).run(ctx, "token", "list")
	if err == nil && (!strings.Contains(list, "bob-laptop") || !strings.Contains(list, secret[:8]+"...") || strings.Contains(list, secret)) {
		err = fmt.Errorf("token list shows %q", list)
	}
	d.check(fmt.Sprintf("%s creates a reporting token with `trainstatus token create`", other.Email), err,
		fmt.Sprintf("%s... (the secret printed once; token list shows the prefix only)", secret[:8]))

	r := c.reporting(secret)
	_, stderr, err := r.output(ctx, "send", "--request-id", j.id, "--user-id", owner.Sub, "--status", "FAILED", "--error", "forged")
	const refusal = "refused: user_id: must be the token's owner or absent"
	if err == nil || !strings.Contains(stderr, refusal) {
		err = fmt.Errorf("send answered %v: %s", err, stderr)
	} else {
		err = nil
	}
	d.check(fmt.Sprintf("%s's token naming %s: refused by POST /v1/events", other.Email, owner.Email), err, strings.TrimSpace(stderr))

	if _, err := r.run(ctx, "run", "--job-id", j.id, "--", "sh", "-c", "exit 1"); err == nil {
		return fmt.Errorf("trainstatus run -- sh -c 'exit 1' exited 0")
	}
	_, err = waitJob(ctx, api, other.IDToken, j.id, 20*time.Second, func(body []byte) bool {
		var got statusapi.Job
		return json.Unmarshal(body, &got) == nil && got.Status == job.Failed
	})
	if err == nil {
		var a answer
		a, err = get(ctx, api, jobPath(j.id), owner.IDToken, j.etag)
		if err == nil && a.code != http.StatusNotModified {
			err = fmt.Errorf("answered %d %s, want 304", a.code, a.body)
		}
	}
	d.check(fmt.Sprintf("%s's `trainstatus run --job-id %s` is his own job: %s's is unchanged", other.Email, j.id, owner.Email), err,
		"his job FAILED in his list; hers 304 Not Modified")
	return nil
}
