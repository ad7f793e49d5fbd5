package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// maxAlertsBody bounds PUT /me/alerts: two URLs of at most alerts.MaxURL and the routes.
const maxAlertsBody = 8 << 10

// CodeInvalidURL answers a Slack or webhook URL alerts may not go to.
const CodeInvalidURL = "invalid_url"

// getAlerts answers GET /me/alerts from the caller's user record (one consistent GetItem).
func (h *Handler) getAlerts(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	u, fail, ok := h.callerRecord(ctx, r)
	if !ok {
		return fail
	}
	return alertsResponse(r, u, "")
}

// putAlerts answers PUT /me/alerts: a strict body, validated (trigger and channel words, URLs
// alerts may go to, every routed channel set up), then one UpdateItem on the caller's record,
// conditional on it existing. Saving a URL clears the channel's broken mark and 404 count; a new
// webhook (or rotate_webhook_secret) makes a secret, answered this once.
func (h *Handler) putAlerts(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	var in statusapi.AlertSettingsUpdate
	if aerr := decodeBody(r.req, maxAlertsBody, &in); aerr != nil {
		return r.fail(aerr)
	}
	current, fail, ok := h.callerRecord(ctx, r)
	if !ok {
		return fail
	}
	u := h.Users.Update(userKey(r.user))
	routes := current.AlertRoutes
	if in.Routes != nil {
		if aerr := checkRoutes(in.Routes); aerr != nil {
			return r.fail(aerr)
		}
		routes = in.Routes
		u.Set(tables.AttrAlertRoutes, in.Routes)
	}
	slack, hook := current.SlackURL, current.WebhookURL
	if in.SlackURL != nil {
		if aerr := h.checkURL("slack_url", *in.SlackURL, true); aerr != nil {
			return r.fail(aerr)
		}
		slack = *in.SlackURL
		setOrRemove(u, tables.AttrSlackURL, slack).Remove(tables.AttrSlackGone).Remove(tables.AttrSlackBrokenAt)
	}
	var secret string
	var err error
	if in.WebhookURL != nil {
		if aerr := h.checkURL("webhook_url", *in.WebhookURL, false); aerr != nil {
			return r.fail(aerr)
		}
		hook = *in.WebhookURL
		setOrRemove(u, tables.AttrWebhookURL, hook).Remove(tables.AttrWebhookGone).Remove(tables.AttrWebhookBrokenAt)
	}
	switch {
	case hook == "":
		u.Remove(tables.AttrWebhookSecret)
	case current.WebhookSecret == "" || in.RotateWebhookSecret:
		if secret, err = alerts.NewSecret(); err != nil {
			return r.internalError(err)
		}
		u.Set(tables.AttrWebhookSecret, secret)
	}
	for t, cs := range routes {
		for _, c := range cs {
			if (c == string(alerts.Slack) && slack == "") || (c == string(alerts.Webhook) && hook == "") {
				return r.fail(badRequest(CodeInvalidField, fmt.Sprintf("routes.%s names %s, which has no URL", t, c)))
			}
		}
	}
	saved, err := u.Value(ctx)
	switch {
	case errors.Is(err, ddb.ErrNotFound):
		return r.fail(errNoUser)
	case errors.Is(err, ddb.ErrInvalidItem):
		return r.fail(badRequest(CodeInvalidField, "nothing to change"))
	case err != nil:
		return r.internalError(err)
	}
	return alertsResponse(r, saved, secret)
}

func setOrRemove(u *ddb.Update[tables.UserItem], name, value string) *ddb.Update[tables.UserItem] {
	if value == "" {
		return u.Remove(name)
	}
	return u.Set(name, value)
}

// checkRoutes: known triggers, known channels, each once.
func checkRoutes(routes map[string][]string) *apiError {
	for t, cs := range routes {
		if _, ok := alerts.ParseTrigger(t); !ok {
			return badRequest(CodeInvalidField, fmt.Sprintf("routes: %q is not a trigger (succeeded, failed, stalled)", t))
		}
		for i, c := range cs {
			if _, ok := alerts.ParseChannel(c); !ok {
				return badRequest(CodeInvalidField, fmt.Sprintf("routes.%s: %q is not a channel (email, slack, webhook)", t, c))
			}
			if slices.Contains(cs[:i], c) {
				return badRequest(CodeInvalidField, fmt.Sprintf("routes.%s names %s twice", t, c))
			}
		}
	}
	return nil
}

// checkURL: "" (remove) or a URL alerts may go to (alerts.CheckURL: https, a host, no literal
// address that is not public); a Slack URL is one of Slack's incoming webhooks, except with the
// local setting (the stack's receiver).
func (h *Handler) checkURL(field, raw string, slack bool) *apiError {
	if raw == "" {
		return nil
	}
	u, err := alerts.CheckURL(raw, h.AllowLocal)
	if err != nil {
		return badRequest(CodeInvalidURL, field+": "+strings.TrimPrefix(err.Error(), "alerts: "))
	}
	if slack && !h.AllowLocal && (u.Hostname() != "hooks.slack.com" || !strings.HasPrefix(u.Path, "/services/")) {
		return badRequest(CodeInvalidURL, field+": want a Slack incoming webhook, https://hooks.slack.com/services/...")
	}
	return nil
}

func alertsResponse(r *request, u tables.UserItem, secret string) events.APIGatewayV2HTTPResponse {
	out := statusapi.AlertSettings{Routes: u.AlertRoutes, SlackURL: u.SlackURL, WebhookURL: u.WebhookURL,
		WebhookSecretSet: u.WebhookSecret != "", WebhookSecret: secret}
	if out.Routes == nil {
		out.Routes = map[string][]string{}
		for t, cs := range alerts.DefaultRoutes() {
			for _, c := range cs {
				out.Routes[string(t)] = append(out.Routes[string(t)], string(c))
			}
		}
	}
	if u.SlackBrokenAt != "" {
		out.Broken = append(out.Broken, string(alerts.Slack))
	}
	if u.WebhookBrokenAt != "" {
		out.Broken = append(out.Broken, string(alerts.Webhook))
	}
	body, err := json.Marshal(out)
	if err != nil {
		return r.internalError(err)
	}
	return jsonResponse(http.StatusOK, body)
}

// testAlerts answers POST /me/alerts/test: a test alert (a made-up job, "trainstatus-test") to
// each of the caller's Slack and webhook URLs, now, with each result. It marks nothing and counts
// no 404 (the user is looking at the answer). Email is not tested here: the job emails are.
func (h *Handler) testAlerts(ctx context.Context, r *request) events.APIGatewayV2HTTPResponse {
	u, fail, ok := h.callerRecord(ctx, r)
	if !ok {
		return fail
	}
	now := time.Now()
	a := alerts.Alert{Trigger: alerts.Succeeded, RequestID: "trainstatus-test", Name: "trainstatus test alert",
		Status: job.Success, Message: "a test from your alert settings", UpdatedAt: job.FormatTime(now),
		FinishedAt: job.FormatTime(now), Link: alerts.JobLink(origin(r.req), "trainstatus-test"), At: now}
	out := statusapi.AlertTest{Results: []statusapi.AlertTestResult{}}
	header := func() map[string][]string { return map[string][]string{"Content-Type": {"application/json"}} }
	if u.SlackURL != "" {
		body, _ := alerts.SlackMessage(a)
		out.Results = append(out.Results, testResult(alerts.Slack, h.Alerts.Post(ctx, u.SlackURL, body, header())))
	}
	if u.WebhookURL != "" && u.WebhookSecret != "" {
		body, _ := alerts.WebhookBody(a)
		hdr := header()
		hdr[alerts.SignatureHeader] = []string{alerts.Sign(u.WebhookSecret, now, body)}
		out.Results = append(out.Results, testResult(alerts.Webhook, h.Alerts.Post(ctx, u.WebhookURL, body, hdr)))
	}
	body, err := json.Marshal(out)
	if err != nil {
		return r.internalError(err)
	}
	return jsonResponse(http.StatusOK, body)
}

func testResult(c alerts.Channel, err error) statusapi.AlertTestResult {
	res := statusapi.AlertTestResult{Channel: string(c), Result: "sent"}
	switch {
	case err == nil:
		return res
	case errors.Is(err, alerts.ErrRetry):
		res.Result = "retry"
	case errors.Is(err, alerts.ErrGone):
		res.Result = "gone"
	default:
		res.Result = "refused"
	}
	res.Detail = strings.TrimPrefix(err.Error(), "alerts: ")
	return res
}

// origin is the page's origin as the caller reached the API (the test alert's link).
func origin(req events.APIGatewayV2HTTPRequest) string {
	if d := req.RequestContext.DomainName; d != "" {
		return "https://" + d
	}
	return ""
}
