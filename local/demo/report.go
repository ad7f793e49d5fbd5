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
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// report checks the outcome from the outside and prints each check. Only a failure to run the
// checks at all is returned; failed checks are counted.
func (d *demo) report(ctx context.Context, c cli, pool cognito.Pool, owner cognito.User, sub string, j jobRun) error {
	s := d.st.State
	d.checkFinalRecord(ctx, s, owner.IDToken, sub, j)
	d.checkOutcomes(ctx, j)
	d.checkUserRecord(ctx, s, owner.Email, sub)
	d.checkDeadLetter(ctx, c, j.id)

	other, err := cognito.SignUp(ctx, s.CognitoEndpoint, s.CognitoDir, pool, d.cfg.Other, stack.DefaultPassword)
	if err != nil {
		return err
	}
	d.checkAnswer(ctx, s, fmt.Sprintf("%s asks for %s's job", other.Email, owner.Email), jobPath(j.id), other.IDToken, http.StatusNotFound)
	d.checkAnswer(ctx, s, "no token", jobPath(j.id), "", http.StatusUnauthorized)
	return nil
}

// checkFinalRecord reads the job through the API and compares it with the plan's outcome; the
// same request with its ETag must answer 304.
func (d *demo) checkFinalRecord(ctx context.Context, s stack.State, token, sub string, j jobRun) {
	a, err := get(ctx, s.HTTPEndpoint, jobPath(j.id), token, "")
	var got tables.StatusItem
	switch {
	case err != nil:
	case a.code != http.StatusOK:
		err = fmt.Errorf("GET answered %d: %s", a.code, a.body)
	default:
		if err = json.Unmarshal(a.body, &got); err == nil {
			if bad := diff(got, j.sched.expected(j.id, sub)); len(bad) > 0 {
				err = fmt.Errorf("%s in %s", strings.Join(bad, "; "), a.body)
			}
		}
	}
	d.check("final record, GET /status/{id} 200", err, fmt.Sprintf("ETag %s\n        %s", a.etag, a.body))
	if err != nil {
		return
	}
	b, err := get(ctx, s.HTTPEndpoint, jobPath(j.id), token, a.etag)
	if err == nil && b.code != http.StatusNotModified {
		err = fmt.Errorf("answered %d, want 304", b.code)
	}
	d.check("same GET with If-None-Match", err, "304 Not Modified")
}

// checkOutcomes waits until status-updater has handled every message of the job and checks
// that the duplicate and the late event changed nothing and the poison was dead-lettered.
func (d *demo) checkOutcomes(ctx context.Context, j jobRun) {
	var counts map[string]int
	deadline := time.Now().Add(10 * time.Second)
	for {
		counts = d.outcomes.of(j.id)
		if total(counts) >= len(plan) || time.Now().After(deadline) || ctx.Err() != nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	err := expectOutcomes(counts)
	d.check("status-updater's outcomes for the job's messages", err, format(counts))
}

// expectOutcomes checks the outcome counts of the plan: every message handled, the poison
// dead-lettered (invalid), the duplicate and the late event left the record alone (duplicate
// or stale: which one depends on what arrived first), the others applied.
func expectOutcomes(counts map[string]int) error {
	var errs []error
	applied := counts["applied"] + counts["filled"]
	if n := counts["invalid"]; n != 1 {
		errs = append(errs, fmt.Errorf("%d invalid, want 1 (the poison message)", n))
	}
	if n := counts["duplicate"] + counts["stale"]; n < 2 {
		errs = append(errs, fmt.Errorf("%d duplicate or stale, want at least 2 (the duplicate and the late event)", n))
	}
	if applied+counts["duplicate"]+counts["stale"]+counts["invalid"] != len(plan) {
		errs = append(errs, fmt.Errorf("%d messages handled, want %d", applied+counts["duplicate"]+counts["stale"]+counts["invalid"], len(plan)))
	}
	if counts["refused"] > 0 {
		errs = append(errs, fmt.Errorf("%d refused transitions, want none", counts["refused"]))
	}
	return errors.Join(errs...)
}

func total(counts map[string]int) int {
	n := 0
	for k, v := range counts {
		if k != "retry" && k != "not_started" {
			n += v
		}
	}
	return n
}

// checkUserRecord reads the user table directly: the trigger must have written the user.
func (d *demo) checkUserRecord(ctx context.Context, s stack.State, email, sub string) {
	users := ddb.NewTable(ddbtest.NewClient(s.DynamoDBEndpoint), s.UserTable, tables.UserSchema)
	u, err := users.Get(ddb.Key{Partition: sub}).Consistent().One(ctx)
	if err == nil && (u.Email != strings.ToLower(email) || u.Timestamp == "") {
		err = fmt.Errorf("user record %+v, want email %s and a timestamp", u, strings.ToLower(email))
	}
	b, _ := json.Marshal(u)
	d.check("user record in "+s.UserTable+" (written by the user-signup trigger)", err, string(b))
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
	case !strings.Contains(found.Reason, "does not own"):
		err = fmt.Errorf("message %s has reason %q, want an owner mismatch", found.MessageID, found.Reason)
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
