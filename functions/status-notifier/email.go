package main

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Email is one message to send.
type Email struct {
	To, Subject, Text, HTML string
}

// maxSubjectError bounds how much of a job's error goes into the subject; the body has all of it.
const maxSubjectError = 120

// stage is one line of the tracker, as the email shows it.
type stage struct {
	Name, At, Took string
}

// view is what the templates show of an ended job.
type view struct {
	RequestID, Outcome, Took, Message, Error, Link string
	Stages                                         []stage
}

// compose writes the email for a job that ended: a subject that says the job and the outcome
// ("resnet50-lr0.1 succeeded in 2 h 14 min", "resnet50-lr0.1 failed: CUDA out of memory"), and a
// plain-text and an HTML part with the final message or error, the stage times and the link to
// the job's page (page + /jobs/{request_id}).
func compose(item tables.StatusItem, to, page string) Email {
	v := view{
		RequestID: item.RequestID,
		Message:   alerts.StripInvisible(item.Message),
		Error:     alerts.StripInvisible(item.Error),
		Link:      strings.TrimSuffix(page, "/") + "/jobs/" + url.PathEscape(item.RequestID),
		Stages:    stages(item),
	}
	if d, ok := span(item.Timestamp, item.FinishedAt); ok {
		v.Took = alerts.HumanDuration(d)
	}
	var subject string
	switch {
	case item.Status == job.Success && v.Took != "":
		v.Outcome, subject = "succeeded", fmt.Sprintf("%s succeeded in %s", item.RequestID, v.Took)
	case item.Status == job.Success:
		v.Outcome, subject = "succeeded", item.RequestID+" succeeded"
	case item.Error != "":
		v.Outcome, subject = "failed", fmt.Sprintf("%s failed: %s", item.RequestID, firstLine(v.Error, maxSubjectError))
	case v.Took != "":
		v.Outcome, subject = "failed", fmt.Sprintf("%s failed after %s", item.RequestID, v.Took)
	default:
		v.Outcome, subject = "failed", item.RequestID+" failed"
	}
	return Email{To: to, Subject: subject, Text: plainText(v), HTML: htmlPart(v)}
}

// stages lists the stage times the job reached, with how long each took until the next one.
func stages(item tables.StatusItem) []stage {
	finalName := "Succeeded"
	if item.Status == job.Failed {
		finalName = "Failed"
	}
	all := []struct{ name, at string }{
		{"Started", item.StartedAt}, {"Training", item.InProgressAt}, {finalName, item.FinishedAt},
	}
	var out []stage
	for i, s := range all {
		if s.at == "" {
			continue
		}
		st := stage{Name: s.name, At: s.at}
		for _, next := range all[i+1:] {
			if d, ok := span(s.at, next.at); ok {
				st.Took = alerts.HumanDuration(d)
				break
			}
		}
		out = append(out, st)
	}
	return out
}

// span is the time from one job.TimeLayout time to another.
func span(from, to string) (time.Duration, bool) {
	a, err1 := job.ParseTime(from)
	b, err2 := job.ParseTime(to)
	if err1 != nil || err2 != nil || b.Before(a) {
		return 0, false
	}
	return b.Sub(a), true
}

// firstLine is the first line of s, cut to at most max runes (with an ellipsis).
func firstLine(s string, max int) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

// The email's parts are written with fmt and html.EscapeString, not text/template or
// html/template: a template calls methods by name at run time, so linking one keeps every exported
// method of every reachable type (every DynamoDB and SES operation), 5 MiB of bootstrap.

// footer says why the email came and how to stop it.
const footer = "You get this email because email notifications are on for your account; turn them off on the tracker page."

// plainText is the text part.
func plainText(v view) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Your training job %s %s", v.RequestID, v.Outcome)
	if v.Took != "" {
		fmt.Fprintf(&b, " after %s", v.Took)
	}
	b.WriteString(".\n")
	if v.Error != "" {
		fmt.Fprintf(&b, "\nError: %s\n", v.Error)
	}
	if v.Message != "" {
		fmt.Fprintf(&b, "\nLast message: %s\n", v.Message)
	}
	b.WriteString("\n")
	for _, s := range v.Stages {
		fmt.Fprintf(&b, "%s: %s", s.Name, s.At)
		if s.Took != "" {
			fmt.Fprintf(&b, " (%s)", s.Took)
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "\nSee the job: %s\n\n%s\n", v.Link, footer)
	return b.String()
}

// htmlPart is the HTML part; every value from the job is escaped, and the job's message and error
// (text from training events) cannot become links (alerts.HTMLText).
func htmlPart(v view) string {
	e := html.EscapeString
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s %s</title></head>\n", e(v.RequestID), v.Outcome)
	b.WriteString("<body style=\"font-family: system-ui, sans-serif; line-height: 1.5\">\n")
	fmt.Fprintf(&b, "<h1 style=\"font-size: 1.25rem\">Your training job <code>%s</code> %s", e(v.RequestID), v.Outcome)
	if v.Took != "" {
		fmt.Fprintf(&b, " after %s", v.Took)
	}
	b.WriteString("</h1>\n")
	if v.Error != "" {
		fmt.Fprintf(&b, "<p><strong>Error:</strong> %s</p>\n", alerts.HTMLText(v.Error))
	}
	if v.Message != "" {
		fmt.Fprintf(&b, "<p><strong>Last message:</strong> %s</p>\n", alerts.HTMLText(v.Message))
	}
	b.WriteString("<table>")
	for _, s := range v.Stages {
		fmt.Fprintf(&b, "<tr><th scope=\"row\" style=\"text-align: left; padding-right: 1em\">%s</th><td>%s</td><td>%s</td></tr>", s.Name, e(s.At), s.Took)
	}
	b.WriteString("</table>\n")
	fmt.Fprintf(&b, "<p><a href=\"%s\">See the job on the tracker</a></p>\n", e(v.Link))
	fmt.Fprintf(&b, "<p style=\"color: #555; font-size: 0.875rem\">%s</p>\n</body></html>\n", footer)
	return b.String()
}
