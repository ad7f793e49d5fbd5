package main

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// stallAlert is a stream record of the stall sweep's write: a job's stall episode recorded (the
// new image has stall_alerted_for, the old one has not; deploy's stall filter passes the same).
// The tracker's writes remove the attribute and the notifier's own mark keeps it, so neither is
// one.
func stallAlert(rec events.DynamoDBEventRecord) (tables.StatusItem, bool) {
	if rec.EventName != string(events.DynamoDBOperationTypeModify) || len(rec.Change.OldImage) == 0 {
		return tables.StatusItem{}, false
	}
	now, err := ddb.UnmarshalStreamImage[tables.StatusItem](rec.Change.NewImage)
	if err != nil || now.StallAlertedFor == "" {
		return tables.StatusItem{}, false
	}
	before, err := ddb.UnmarshalStreamImage[tables.StatusItem](rec.Change.OldImage)
	if err != nil || before.StallAlertedFor != "" {
		return tables.StatusItem{}, false
	}
	return now, true
}

// notifyStall delivers a stall alert as notify delivers a job's end (deliver: the email's mark is
// stall_notified_for = the episode). A job that reported (or ended) since the sweep saw it is not
// alerted: the episode is over before anyone was told.
func (h *Handler) notifyStall(ctx context.Context, item tables.StatusItem) result {
	episode := item.StallAlertedFor
	key := tables.StatusKey(item.UserID, item.RequestID)
	current, err := h.Jobs.Get(key).Consistent().One(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return result{outcome: Skipped, reason: "the job no longer exists", item: item}
	case err != nil:
		return result{outcome: Failed, reason: "reading the job's stall mark failed", item: item, err: err}
	case current.StallAlertedFor != episode:
		return result{outcome: Skipped, reason: "the job reported again or ended since the sweep found it silent", item: item}
	}
	return h.deliver(ctx, h.alert(alerts.Stalled, current), current, current)
}

// composeStall writes the stall alert: "resnet50-lr0.1 has not reported for 25 min", with when
// it was last heard from, its last progress and message, and the link to its page. It says the
// job is still shown running: the server never declares a silent job failed.
func composeStall(item tables.StatusItem, to, page string, now time.Time) Email {
	link := strings.TrimSuffix(page, "/") + "/jobs/" + url.PathEscape(item.RequestID)
	silent := ""
	if last, err := job.ParseTime(item.UpdatedAt); err == nil && now.After(last) {
		silent = alerts.HumanDuration(now.Sub(last))
	}
	subject := item.RequestID + " has stopped reporting"
	if silent != "" {
		subject = fmt.Sprintf("%s has not reported for %s", item.RequestID, silent)
	}
	progress := ""
	if item.Progress != nil {
		progress = fmt.Sprintf("%g %%", *item.Progress)
	}
	const note = "It is still shown as running: silence is not failure, and its next report clears this alert. " +
		"If it died (out of memory, a lost node, a pre-empted instance), restart it."
	var t strings.Builder
	fmt.Fprintf(&t, "Your training job %s has not reported since %s", item.RequestID, item.UpdatedAt)
	if silent != "" {
		fmt.Fprintf(&t, " (%s ago)", silent)
	}
	t.WriteString(".\n\n" + note + "\n")
	if progress != "" {
		fmt.Fprintf(&t, "\nLast progress: %s\n", progress)
	}
	if item.Message != "" {
		fmt.Fprintf(&t, "Last message: %s\n", alerts.StripInvisible(item.Message))
	}
	fmt.Fprintf(&t, "\nSee the job: %s\n\n%s\n", link, footer)

	e := html.EscapeString
	var hb strings.Builder
	fmt.Fprintf(&hb, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s stopped reporting</title></head>\n", e(item.RequestID))
	hb.WriteString("<body style=\"font-family: system-ui, sans-serif; line-height: 1.5\">\n")
	fmt.Fprintf(&hb, "<h1 style=\"font-size: 1.25rem\">Your training job <code>%s</code> has not reported since %s", e(item.RequestID), e(item.UpdatedAt))
	if silent != "" {
		fmt.Fprintf(&hb, " (%s ago)", silent)
	}
	fmt.Fprintf(&hb, "</h1>\n<p>%s</p>\n", e(note))
	if progress != "" {
		fmt.Fprintf(&hb, "<p><strong>Last progress:</strong> %s</p>\n", e(progress))
	}
	if item.Message != "" {
		fmt.Fprintf(&hb, "<p><strong>Last message:</strong> %s</p>\n", alerts.HTMLText(item.Message))
	}
	fmt.Fprintf(&hb, "<p><a href=\"%s\">See the job on the tracker</a></p>\n", e(link))
	fmt.Fprintf(&hb, "<p style=\"color: #555; font-size: 0.875rem\">%s</p>\n</body></html>\n", footer)
	return Email{To: to, Subject: subject, Text: t.String(), HTML: hb.String()}
}
