package demo

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/local/ses"
)

// emailWait bounds the wait for status-notifier's email: the stream source polls DynamoDB
// Local's stream about once a second, and a failed send is retried.
const emailWait = 30 * time.Second

// checkEmail waits until the email status-notifier sends for the finished job is in the SES
// emulator's store, then checks it is exactly one email, to the owner, saying the job
// succeeded, with the link to the job's page (TRACKER_URL/jobs/<request_id>; TRACKER_URL is the
// HTTP API's origin locally, where the page is served).
func (d *demo) checkEmail(ctx context.Context, owner string, j jobRun) {
	store := ses.Store{Endpoint: d.st.State.SESEndpoint}
	link := jobPageURL(d.st.State.HTTPEndpoint, j.id)
	mails, err := waitEmails(ctx, store, j.id, emailWait)
	var arrived time.Duration
	if !j.finalSent.IsZero() {
		arrived = time.Since(j.finalSent)
	}
	if err == nil {
		err = expectEmail(mails, j.id, strings.ToLower(owner), link)
	}
	detail := ""
	if len(mails) > 0 {
		m := mails[0]
		detail = fmt.Sprintf("in the store within %.1f s of SUCCESS being sent (GET %s/store)\n        subject: %s\n        from:    %s\n        to:      %s\n        link:    %s",
			arrived.Seconds(), store.Endpoint, m.Subject, m.From, strings.Join(m.To, ", "), linkIn(m.Text, link))
	}
	d.check("the email status-notifier sent when the job succeeded (SES emulator)", err, detail)
}

// waitEmails polls the store (every 200 ms, at most limit) until it holds an email about job
// id, and returns those emails.
func waitEmails(ctx context.Context, store ses.Store, id string, limit time.Duration) ([]ses.Email, error) {
	deadline := time.Now().Add(limit)
	for {
		all, err := store.Emails(ctx)
		if err != nil {
			return nil, err
		}
		if mails := about(all, id); len(mails) > 0 {
			return mails, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no email about %s in the SES store after %s (%d other emails)", id, limit, len(all))
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}

// about returns the emails whose subject names job id (status-notifier's subjects start with it).
func about(all []ses.Email, id string) []ses.Email {
	var out []ses.Email
	for _, m := range all {
		if strings.HasPrefix(m.Subject, id+" ") {
			out = append(out, m)
		}
	}
	return out
}

// expectEmail checks the emails about job id: exactly one, to owner only, saying it succeeded,
// with the link in both parts.
func expectEmail(mails []ses.Email, id, owner, link string) error {
	if len(mails) != 1 {
		return fmt.Errorf("%d emails about %s, want exactly 1", len(mails), id)
	}
	m := mails[0]
	var errs []error
	if !slices.Equal(m.To, []string{owner}) || len(m.Cc)+len(m.Bcc) > 0 {
		errs = append(errs, fmt.Errorf("sent to %q (cc %q, bcc %q), want only %s", m.To, m.Cc, m.Bcc, owner))
	}
	if !strings.HasPrefix(m.Subject, id+" succeeded") {
		errs = append(errs, fmt.Errorf("subject %q, want %q...", m.Subject, id+" succeeded"))
	}
	if !strings.Contains(m.Text, link) {
		errs = append(errs, fmt.Errorf("the text part lacks the link %s:\n%s", link, m.Text))
	}
	if !strings.Contains(m.HTML, `href="`+link+`"`) {
		errs = append(errs, fmt.Errorf("the HTML part lacks a link to %s", link))
	}
	return errors.Join(errs...)
}

// jobPageURL is the page of job id at the tracker's base URL: TRACKER_URL/jobs/<request_id>.
func jobPageURL(base, id string) string {
	return strings.TrimSuffix(base, "/") + "/jobs/" + url.PathEscape(id)
}

// linkIn returns link if text holds it, else "(none)".
func linkIn(text, link string) string {
	if strings.Contains(text, link) {
		return link
	}
	return "(none)"
}
