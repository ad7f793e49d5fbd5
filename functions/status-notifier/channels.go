package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/lambdalog"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// Poster posts one alert to a URL: alerts.Client in production and in the tests (against a
// receiver on 127.0.0.1, with the local setting).
type Poster interface {
	Post(ctx context.Context, url string, body []byte, header http.Header) error
}

// alert is what the owner is told about the job as it is now.
func (h *Handler) alert(t alerts.Trigger, it tables.StatusItem) alerts.Alert {
	return alerts.Alert{Trigger: t, RequestID: it.RequestID, Name: it.Name, Status: it.Status, Progress: it.Progress,
		Message: it.Message, Error: it.Error, UpdatedAt: it.UpdatedAt, FinishedAt: it.FinishedAt,
		Episode: it.StallAlertedFor, Link: alerts.JobLink(h.Page, it.RequestID), At: h.Now()}
}

// settings are the owner's alert settings as pkg/alerts reads them.
func settings(u tables.UserItem) alerts.Settings {
	s := alerts.Settings{WantsEmail: u.Email != "" && u.WantsEmail(), SlackURL: u.SlackURL,
		WebhookURL: u.WebhookURL, WebhookSecret: u.WebhookSecret,
		Broken: map[alerts.Channel]bool{alerts.Slack: u.SlackBrokenAt != "", alerts.Webhook: u.WebhookBrokenAt != ""}}
	if u.AlertRoutes != nil {
		s.Routes = map[alerts.Trigger][]alerts.Channel{}
		for t, cs := range u.AlertRoutes {
			tr, ok := alerts.ParseTrigger(t)
			if !ok {
				continue
			}
			for _, c := range cs {
				if ch, ok := alerts.ParseChannel(c); ok {
					s.Routes[tr] = append(s.Routes[tr], ch)
				}
			}
		}
	}
	return s
}

// deliver sends the alert on each channel of the owner's settings that has not had it, one after
// the other, and marks each after its send (duplicate over lost: a crash between a send and its
// mark repeats that one delivery, never loses it). A channel that may succeed later (throttling,
// 5xx, a timeout, the rate limit) fails the record, which the event source retries: the channels
// already marked are skipped then. A channel that refuses for good is counted and logged, never
// retried; 404/410 answers count towards marking the channel broken.
//
// shown is the job the alert is about (for an end, as it ended); current holds the marks.
func (h *Handler) deliver(ctx context.Context, a alerts.Alert, shown, current tables.StatusItem) result {
	user, stop := h.recipient(ctx, shown)
	if stop != nil {
		return *stop
	}
	channels := settings(user).ChannelsFor(a.Trigger)
	if len(channels) == 0 {
		if user.Email != "" && !user.WantsEmail() {
			return result{outcome: OptedOut, reason: "the owner turned job emails off", item: shown}
		}
		return result{outcome: Skipped, reason: "the owner has no channel for " + string(a.Trigger), item: shown}
	}
	var sent, refused, done []string
	for _, c := range channels {
		if h.delivered(a, c, current) {
			done = append(done, string(c))
			continue
		}
		outcome, why, err := h.send(ctx, a, c, user, shown)
		switch outcome {
		case Failed:
			return result{outcome: Failed, reason: fmt.Sprintf("%s: %s", c, why), item: shown, err: err}
		case Sent:
			sent = append(sent, why)
		default:
			refused = append(refused, fmt.Sprintf("%s: %s (%v)", c, why, err))
		}
	}
	switch {
	case len(sent) > 0:
		return result{outcome: Sent, reason: strings.Join(append(sent, refused...), "; "), item: shown}
	case len(refused) > 0:
		return result{outcome: Refused, reason: strings.Join(refused, "; "), item: shown}
	}
	return result{outcome: Skipped, reason: "already delivered by " + strings.Join(done, ", ") + " (a redelivered record)", item: shown}
}

// delivered reports whether the alert already went out on channel c (its mark on the job).
func (h *Handler) delivered(a alerts.Alert, c alerts.Channel, it tables.StatusItem) bool {
	switch {
	case c == alerts.Email && a.Trigger == alerts.Stalled:
		return it.StallNotifiedFor == a.Episode
	case c == alerts.Email:
		return it.NotifiedAt != ""
	}
	return slices.Contains(it.Delivered, alerts.Mark(a, c))
}

// send delivers on one channel and marks it. It returns Sent, Failed (retry), or Refused (for
// good, the reason says why: the mail service, an unsafe or rejecting URL, a gone endpoint).
func (h *Handler) send(ctx context.Context, a alerts.Alert, c alerts.Channel, user tables.UserItem, it tables.StatusItem) (Outcome, string, error) {
	var err error
	switch c {
	case alerts.Email:
		e := compose(it, user.Email, h.Page)
		if a.Trigger == alerts.Stalled {
			e = composeStall(it, user.Email, h.Page, h.Now())
		}
		err = h.Mailer.Send(ctx, e)
		switch {
		case errors.Is(err, ErrRefused) && recipientRefused(err):
			return Refused, "the mail service refused the address; not retried", err
		case err != nil:
			return Failed, "sending failed (a refusal not about the recipient is retried)", err
		}
	default:
		if h.Limiter != nil && !h.Limiter.Allow(user.UserID, h.Now()) {
			return Failed, "over the owner's alert rate; retried", alerts.ErrRetry
		}
		err = h.post(ctx, a, c, user)
	}
	switch {
	case errors.Is(err, alerts.ErrGone):
		h.gone(ctx, c, user)
		return Refused, "the endpoint is gone (404/410)", err
	case errors.Is(err, alerts.ErrUnsafeURL), errors.Is(err, alerts.ErrRejected):
		return Refused, "the endpoint is refused or refused the alert; not retried", err
	case err != nil:
		return Failed, "sending failed", err
	}
	if err := h.mark(ctx, a, c, it); err != nil {
		return Failed, string(c) + " sent, but marking it failed: the retry will send it again", err
	}
	if c != alerts.Email {
		h.healthy(ctx, c, user)
	}
	if c == alerts.Email {
		return Sent, "e-mailed " + lambdalog.MaskEmail(user.Email), nil
	}
	return Sent, "posted to " + string(c), nil
}

// post sends the alert to the owner's Slack or webhook URL.
func (h *Handler) post(ctx context.Context, a alerts.Alert, c alerts.Channel, user tables.UserItem) error {
	header := http.Header{"Content-Type": {"application/json"}}
	if c == alerts.Slack {
		body, err := alerts.SlackMessage(a)
		if err != nil {
			return fmt.Errorf("%w: %v", alerts.ErrRejected, err)
		}
		return h.Poster.Post(ctx, user.SlackURL, body, header)
	}
	body, err := alerts.WebhookBody(a)
	if err != nil {
		return fmt.Errorf("%w: %v", alerts.ErrRejected, err)
	}
	header.Set(alerts.SignatureHeader, alerts.Sign(user.WebhookSecret, h.Now(), body))
	return h.Poster.Post(ctx, user.WebhookURL, body, header)
}

// stringSet marshals as a DynamoDB string set (ADD to a set needs one; a []string is a list).
type stringSet []string

func (s stringSet) MarshalDynamoDBAttributeValue() (types.AttributeValue, error) {
	return &types.AttributeValueMemberSS{Value: s}, nil
}

// mark records the delivery on the job, conditionally (a concurrent delivery may have marked it
// first, which is as good).
func (h *Handler) mark(ctx context.Context, a alerts.Alert, c alerts.Channel, it tables.StatusItem) error {
	key := tables.StatusKey(it.UserID, it.RequestID)
	var err error
	switch {
	case c == alerts.Email && a.Trigger == alerts.Stalled:
		notMarked := expression.AttributeNotExists(expression.Name(tables.AttrStallNotifiedFor)).
			Or(expression.Name(tables.AttrStallNotifiedFor).NotEqual(expression.Value(a.Episode)))
		err = h.Jobs.Update(key).Set(tables.AttrStallNotifiedFor, a.Episode).If(notMarked).Run(ctx)
	case c == alerts.Email:
		err = h.Jobs.Update(key).Set(tables.AttrNotifiedAt, job.FormatTime(h.Now())).
			If(expression.AttributeNotExists(expression.Name(tables.AttrNotifiedAt))).Run(ctx)
	default:
		m := alerts.Mark(a, c)
		err = h.Jobs.Update(key).Add(tables.AttrDelivered, stringSet{m}).
			If(expression.Not(expression.Contains(expression.Name(tables.AttrDelivered), m))).Run(ctx)
	}
	if errors.Is(err, ddb.ErrConditionFailed) || errors.Is(err, ddb.ErrNotFound) {
		return nil
	}
	return err
}

// goneAttrs are the user record's attributes counting a channel's 404/410 answers and marking
// it broken.
var goneAttrs = map[alerts.Channel][2]string{
	alerts.Slack:   {tables.AttrSlackGone, tables.AttrSlackBrokenAt},
	alerts.Webhook: {tables.AttrWebhookGone, tables.AttrWebhookBrokenAt},
}

// gone counts a 404/410 of the channel on the owner's record and, at alerts.GoneLimit, marks it
// broken (the page shows it; the notifier stops using it until the user saves it again). A
// failure here is logged: the alert itself is settled.
func (h *Handler) gone(ctx context.Context, c alerts.Channel, user tables.UserItem) {
	attrs := goneAttrs[c]
	after, err := h.Users.Update(ddb.Key{Partition: user.UserID}).Add(attrs[0], 1).Value(ctx)
	if err == nil && ((c == alerts.Slack && after.SlackGone >= alerts.GoneLimit) || (c == alerts.Webhook && after.WebhookGone >= alerts.GoneLimit)) {
		err = h.Users.Update(ddb.Key{Partition: user.UserID}).Set(attrs[1], job.FormatTime(h.Now())).Run(ctx)
		h.Log.Warn("channel marked broken", "user_id", user.UserID, "channel", c, "after", alerts.GoneLimit)
	}
	if err != nil {
		h.Log.Error("counting a gone endpoint failed", "user_id", user.UserID, "channel", c, "error", err.Error())
	}
}

// healthy clears the channel's count of 404/410 answers after a success (only when there is one).
func (h *Handler) healthy(ctx context.Context, c alerts.Channel, user tables.UserItem) {
	if (c == alerts.Slack && user.SlackGone == 0) || (c == alerts.Webhook && user.WebhookGone == 0) {
		return
	}
	if err := h.Users.Update(ddb.Key{Partition: user.UserID}).Remove(goneAttrs[c][0]).Run(ctx); err != nil {
		h.Log.Error("clearing a channel's gone count failed", "user_id", user.UserID, "channel", c, "error", err.Error())
	}
}
