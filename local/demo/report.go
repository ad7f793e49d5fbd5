package demo

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
)

// report checks the outcome from the outside and prints each check. Only a failure to run the
// checks at all is returned; failed checks are counted.
func (d *demo) report(ctx context.Context, c cli, pool cognito.Pool, owner cognito.User, sub string, j jobRun, tj tokenJob) error {
	s := d.st.State
	etag := d.checkFinalRecord(ctx, s, owner.IDToken, j)
	d.showETA(j)
	d.checkOutcomes(ctx, j)
	d.checkUserRecord(ctx, s, owner.Email, sub)
	d.checkDeadLetter(ctx, c, j.id)
	d.checkEmail(ctx, owner.Email, j)

	other, err := cognito.SignUp(ctx, s.CognitoEndpoint, s.CognitoDir, pool, d.cfg.Other, stack.DefaultPassword)
	if err != nil {
		return err
	}
	otherSub := other.Sub
	d.checkAnswer(ctx, s, fmt.Sprintf("%s asks for %s, which only %s has", other.Email, j.id, owner.Email), jobPath(j.id), other.IDToken, http.StatusNotFound)
	d.checkAnswer(ctx, s, "no token", jobPath(j.id), "", http.StatusUnauthorized)
	if err := d.checkSameName(ctx, c, other, otherSub, owner, j, etag); err != nil {
		return err
	}
	return d.checkOtherToken(ctx, c, other, owner, tj)
}

// checkFinalRecord reads the job through the API and compares it with what the plan's events
// give; the same request with its ETag must answer 304. It returns the ETag.
func (d *demo) checkFinalRecord(ctx context.Context, s stack.State, token string, j jobRun) string {
	a, err := get(ctx, s.HTTPEndpoint, jobPath(j.id), token, "")
	if err == nil {
		err = expectJob(a, j.sched.expected(j.id))
	}
	d.check("final record, GET /status/{id} 200", err, fmt.Sprintf("ETag %s\n        %s", a.etag, a.body))
	if err != nil {
		return ""
	}
	b, err := get(ctx, s.HTTPEndpoint, jobPath(j.id), token, a.etag)
	if err == nil && b.code != http.StatusNotModified {
		err = fmt.Errorf("answered %d, want 304", b.code)
	}
	d.check("same GET with If-None-Match", err, "304 Not Modified")
	return a.etag
}

// expectJob checks that a is a 200 whose body (statusapi.Job) is want.
func expectJob(a answer, want statusapi.Job) error {
	if a.code != http.StatusOK {
		return fmt.Errorf("GET answered %d: %s", a.code, a.body)
	}
	var got statusapi.Job
	if err := json.Unmarshal(a.body, &got); err != nil {
		return fmt.Errorf("body %s: %w", a.body, err)
	}
	if bad := diff(got, want); len(bad) > 0 {
		return fmt.Errorf("%s in %s", strings.Join(bad, "; "), a.body)
	}
	return nil
}

// showETA prints the first ETA the API gave while the job ran (observe), beside the estimate the
// events give and the real finish. It is not a check: whether a poll fell between two progress
// reports and the end depends on the machine (the second user's job checks the ETA exactly).
func (d *demo) showETA(j jobRun) {
	seen, ok := firstETA(j.seen)
	if !ok {
		d.printf("  info  ETA while running: none seen in %d answers (the job ended before a poll saw two progress reports)\n", len(j.seen))
		return
	}
	events, _ := j.sched.etaAt(seen)
	d.printf("  info  ETA while running: at %s%% (updated %s) the API estimated the finish at %s; the events give %s; it finished at %s\n",
		num(seen.Progress), clock(seen.UpdatedAt), clock(seen.ETA), clock(events), clock(job.FormatTime(j.sched.eventTime(len(plan)-1))))
}

// clock is the time of day of a job.TimeLayout time, to the millisecond ("-" if none).
func clock(t string) string {
	p, err := job.ParseTime(t)
	if err != nil {
		return "-"
	}
	return p.Format("15:04:05.000")
}

// checkOutcomes waits until status-updater has handled every message of the job and checks
// that the duplicate and the late event changed nothing and the poison was dead-lettered.
func (d *demo) checkOutcomes(ctx context.Context, j jobRun) {
	counts := d.outcomes.wait(ctx, j.id, func(c map[string]int) bool { return total(c) >= len(plan) }, 10*time.Second)
	err := expectOutcomes(counts)
	d.check("status-updater's outcomes for the job's messages", err, format(counts))
}

// expectOutcomes checks the outcome counts of the plan: every message handled, the poison
// dead-lettered (expired), the duplicate and the late event left the record alone (duplicate
// or stale: which one depends on what arrived first), the others applied.
func expectOutcomes(counts map[string]int) error {
	var errs []error
	applied := counts["applied"] + counts["filled"]
	if n := counts["expired"]; n != 1 {
		errs = append(errs, fmt.Errorf("%d expired, want 1 (the poison message)", n))
	}
	if n := counts["invalid"]; n != 0 {
		errs = append(errs, fmt.Errorf("%d invalid, want none", n))
	}
	if n := counts["duplicate"] + counts["stale"]; n < 2 {
		errs = append(errs, fmt.Errorf("%d duplicate or stale, want at least 2 (the duplicate and the late event)", n))
	}
	if n := applied + counts["duplicate"] + counts["stale"] + counts["expired"] + counts["invalid"]; n != len(plan) {
		errs = append(errs, fmt.Errorf("%d messages handled, want %d", n, len(plan)))
	}
	if counts["refused"] > 0 {
		errs = append(errs, fmt.Errorf("%d refused transitions, want none", counts["refused"]))
	}
	return errors.Join(errs...)
}

func total(counts map[string]int) int {
	n := 0
	for k, v := range counts {
		if k != "retry" && k != "not_started" && k != "panicked" { // these come back
			n += v
		}
	}
	return n
}

// checkUserRecord reads the user table directly: the trigger must have written the user.
func (d *demo) checkUserRecord(ctx context.Context, s stack.State, email, sub string) {
	users := ddb.NewTable(ddbtest.NewClient(s.DynamoDBEndpoint), s.UserTable, tables.UserSchema)
	u, err := users.Get(ddb.Key{Partition: sub}).Consistent().One(ctx)
	if err == nil && (u.Email != strings.ToLower(email) || u.Timestamp == "" || !u.WantsEmail()) {
		err = fmt.Errorf("user record %+v, want email %s, a timestamp and email notifications on", u, strings.ToLower(email))
	}
	d.check("user record in "+s.UserTable+" (written by the user-signup trigger)", err,
		fmt.Sprintf("user_id %s, email %s, first login %s, job emails %s", u.UserID, u.Email, u.Timestamp, onOff(u.WantsEmail())))
}

func onOff(b bool) string {
	if b {
		return "on"
	}
	return "off"
}

// dlqEntry is one line of `trainstatus dlq list --json`.
type dlqEntry struct {
	MessageID    string `json:"message_id"`
	RequestID    string `json:"request_id"`
	Reason       string `json:"reason"`
	ReceiveCount int    `json:"receive_count"`
	Body         string `json:"body"`
}

// checkDeadLetter lists the dead-letter queue with the CLI until the poison message is there.
func (d *demo) checkDeadLetter(ctx context.Context, c cli, id string) {
	deadline := time.Now().Add(15 * time.Second)
	var found *dlqEntry
	var err error
	for found == nil && time.Now().Before(deadline) && ctx.Err() == nil {
		var out string
		if out, err = c.run(ctx, "dlq", "list", "--json"); err == nil {
			found = findDeadLetter(out, id)
		}
		if found == nil {
			time.Sleep(300 * time.Millisecond)
		}
	}
	switch {
	case err != nil:
	case found == nil:
		err = fmt.Errorf("no message for %s in the dead-letter queue after 15 s", id)
	case !strings.Contains(found.Reason, tracker.ErrExpiredEvent.Error()):
		err = fmt.Errorf("message %s has reason %q, want %q", found.MessageID, found.Reason, tracker.ErrExpiredEvent)
	}
	detail := ""
	if found != nil {
		detail = fmt.Sprintf("message %s (received %d time(s))\n        reason: %s\n        body:   %s", found.MessageID, found.ReceiveCount, found.Reason, found.Body)
	}
	d.check("poison message in the dead-letter queue (trainstatus dlq list)", err, detail)
}

// findDeadLetter returns the entry of `dlq list --json` output about job id.
func findDeadLetter(out, id string) *dlqEntry {
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var e dlqEntry
		if json.Unmarshal(sc.Bytes(), &e) == nil && e.RequestID == id {
			return &e
		}
	}
	return nil
}

// checkAnswer checks the status code of a GET.
func (d *demo) checkAnswer(ctx context.Context, s stack.State, name, path, token string, want int) {
	a, err := get(ctx, s.HTTPEndpoint, path, token, "")
	if err == nil && a.code != want {
		err = fmt.Errorf("answered %d %s, want %d", a.code, a.body, want)
	}
	d.check(name, err, fmt.Sprintf("%d %s %s", a.code, http.StatusText(a.code), strings.TrimSpace(string(a.body))))
}
