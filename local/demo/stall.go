package demo

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/receiver"
	"github.com/trainstatus/trainstatus/local/ses"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// The job that dies without a word: `trainstatus run` and the command it wraps, killed together
// with SIGKILL (a lost node, the OOM killer taking the whole group), so nothing reports the end.
// It carries the shortest window an event may give (trainevent.MinStallAfter, a minute), so the
// other jobs of the demo keep the deployment's default window (15 min) and are never stalled;
// its heartbeat is shorter than its window, as run requires.
var (
	stallRunWindow    = trainevent.MinStallAfter
	stallRunHeartbeat = stallRunWindow / 2
	// stallAlertWait bounds the wait for its alert: the bound, the window and 2 minutes.
	stallAlertWait = stallRunWindow + 2*time.Minute
)

// stalledJob is the killed job: its request id, when it was killed, and the webhook secret its
// alert is signed with.
type stalledJob struct {
	id, secret, slackPath, hookPath string
	killed                          time.Time
}

// startStalled routes the owner's stall alerts to email, Slack and a webhook (the stack's
// receiver stands for both services), then starts a job under `trainstatus run` in a process
// group of its own and kills the group with SIGKILL once the API lists the job. checkStalled
// later finds its alert; the demo goes on meanwhile.
func (d *demo) startStalled(ctx context.Context, c cli, token string, owner cognito.User) (stalledJob, error) {
	s := d.st.State
	j := stalledJob{id: "stalled-" + randomHex(3), slackPath: "/slack/demo", hookPath: "/hook/demo"}
	body := fmt.Sprintf(`{"routes":{"succeeded":["email"],"failed":["email"],"stalled":["email","slack","webhook"]},"slack_url":%q,"webhook_url":%q}`,
		s.ReceiverEndpoint+j.slackPath, s.ReceiverEndpoint+j.hookPath)
	req, err := http.NewRequestWithContext(ctx, http.MethodPut, s.HTTPEndpoint+"/me/alerts", strings.NewReader(body))
	if err != nil {
		return j, err
	}
	req.Header.Set("Authorization", "Bearer "+owner.IDToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return j, err
	}
	var saved statusapi.AlertSettings
	err = json.NewDecoder(resp.Body).Decode(&saved)
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || saved.WebhookSecret == "" {
		return j, fmt.Errorf("PUT /me/alerts answered %d (%v)", resp.StatusCode, err)
	}
	j.secret = saved.WebhookSecret
	d.printf("    PUT /me/alerts: stalled -> email, Slack %s, webhook %s (its secret shown once: %s...)\n",
		s.ReceiverEndpoint+j.slackPath, s.ReceiverEndpoint+j.hookPath, j.secret[:8])

	cmd := c.reporting(token).command(ctx, "run", "--job-id", j.id, "--stall-after", stallRunWindow.String(),
		"--heartbeat", stallRunHeartbeat.String(), "--", "sleep", "600")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		return j, err
	}
	_, werr := waitJob(ctx, s.APIURL, owner.IDToken, j.id, 20*time.Second, func([]byte) bool { return true })
	kerr := syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	j.killed = time.Now()
	_ = cmd.Wait() // killed: its status says so, and nothing was left to report the end
	if err := errors.Join(werr, kerr); err != nil {
		return j, err
	}
	d.check(fmt.Sprintf("`trainstatus run --stall-after %s -- sleep 600` listed, then its process group SIGKILLed: %s", stallRunWindow, j.id), nil,
		"nothing reports the end; the stall sweep must")
	return j, nil
}

// checkStalled waits for the killed job's stall alert on the three channels and shows them: the
// email, the Slack message as Slack shows it, and the webhook event, whose signature is verified
// with the secret the owner was shown. Each channel gets it exactly once.
func (d *demo) checkStalled(ctx context.Context, j stalledJob) {
	store := ses.Store{Endpoint: d.st.State.SESEndpoint}
	var mails []ses.Email
	var slack, hooks []receiver.Post
	deadline := j.killed.Add(stallAlertWait)
	var err error
	for {
		var all []ses.Email
		if all, err = store.Emails(ctx); err != nil {
			break
		}
		mails, slack, hooks = about(all, j.id), d.posts("slack", j.slackPath, j.id), d.posts("webhook", j.hookPath, j.id)
		if len(mails) > 0 && len(slack) > 0 && len(hooks) > 0 {
			break
		}
		if time.Now().After(deadline) {
			err = fmt.Errorf("after %s: %d emails, %d Slack and %d webhook posts about %s", stallAlertWait, len(mails), len(slack), len(hooks), j.id)
			break
		}
		select {
		case <-ctx.Done():
			err = ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
		if err != nil {
			break
		}
	}
	after := time.Since(j.killed)
	if err == nil && (len(mails) != 1 || len(slack) != 1 || len(hooks) != 1) {
		err = fmt.Errorf("%d emails, %d Slack and %d webhook posts, want one each", len(mails), len(slack), len(hooks))
	}
	var ev alerts.WebhookEvent
	if err == nil {
		if err = alerts.Verify(j.secret, hooks[0].Signature, hooks[0].Body, time.Now(), alerts.DefaultTolerance); err == nil {
			err = json.Unmarshal(hooks[0].Body, &ev)
		}
	}
	if err == nil && (ev.Type != "job.stalled" || ev.Job.RequestID != j.id || ev.Job.Status.Final()) {
		err = fmt.Errorf("webhook event %s", hooks[0].Body)
	}
	detail := ""
	if err == nil {
		detail = fmt.Sprintf("%.0f s after the kill (window %s)\n        email:   %s (to %s)\n        webhook: %s, signature verified\n        Slack, as shown:\n%s",
			after.Seconds(), stallRunWindow, mails[0].Subject, strings.Join(mails[0].To, ", "), ev.Type, indent(slack[0].Rendered, "          "))
	}
	d.check("the killed job alerted as stalled by email, Slack and webhook, once each (stall sweep, status-notifier)", err, detail)
}

// posts are the receiver's posts on a channel's path that mention the job.
func (d *demo) posts(channel, path, id string) []receiver.Post {
	var out []receiver.Post
	for _, p := range d.st.Receiver().Posts() {
		if p.Channel == channel && p.Path == path && bytes.Contains(p.Body, []byte(id)) {
			out = append(out, p)
		}
	}
	return out
}

// indent prefixes every line of s.
func indent(s, prefix string) string {
	return prefix + strings.ReplaceAll(strings.TrimRight(s, "\n"), "\n", "\n"+prefix)
}
