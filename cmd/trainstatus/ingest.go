package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// The ingest endpoint (deploy.IngestRoute): POST with a reporting token, {"events": [...]} of
// 1..statusapi.MaxIngestEvents events; its answer says each event's fate.
var ingestPath = deploy.IngestRoute.Path

const (
	maxIngestBatch = statusapi.MaxIngestEvents
	fateAccepted   = statusapi.IngestAccepted
	fateRefused    = statusapi.IngestRefused
	fateRetry      = statusapi.IngestRetry
)

// ingestClient sends events to the ingest endpoint as the reporting token's owner.
type ingestClient struct {
	client *http.Client
	url    string // the API's base URL + ingestPath
	token  string // tsk_...
}

func newIngestClient(c clientConfig, timeout time.Duration) *ingestClient {
	return &ingestClient{client: &http.Client{Timeout: timeout}, url: c.APIURL + ingestPath, token: c.Token}
}

// ingestError is an answer that says nothing per event: the whole request failed.
type ingestError struct {
	Status     int           // HTTP status, 0 when no answer came
	Message    string        // what went wrong, sanitized
	RetryAfter time.Duration // from Retry-After, when the answer had one
}

func (e *ingestError) Error() string { return e.Message }

// Retryable: no answer, 429 and 5xx may pass later; 400, 401, 413 never will.
func (e *ingestError) Retryable() bool {
	return e.Status == 0 || e.Status == http.StatusTooManyRequests || e.Status >= 500
}

// errUnauthorized matches the 401 of a missing, unknown or revoked token.
var errUnauthorized = errors.New("the API refused the reporting token (unknown or revoked)")

func (e *ingestError) Is(target error) bool {
	return target == errUnauthorized && e.Status == http.StatusUnauthorized
}

// post sends bodies (1..maxIngestBatch events) as one request. It returns each event's fate
// (index-aligned with bodies) and, for a 503 that names events to resend, how long to wait; or
// an *ingestError when the request as a whole failed.
func (c *ingestClient) post(ctx context.Context, bodies []json.RawMessage) ([]statusapi.IngestResult, time.Duration, error) {
	payload, err := json.Marshal(statusapi.EventBatch{Events: bodies})
	if err != nil {
		return nil, 0, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url, bytes.NewReader(payload))
	if err != nil {
		return nil, 0, &ingestError{Message: err.Error()}
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, 0, &ingestError{Message: sanitize(err.Error())}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, 0, &ingestError{Message: "reading the answer: " + sanitize(err.Error())}
	}
	wait := retryAfter(resp.Header.Get("Retry-After"))
	var a statusapi.IngestResponse
	perEvent := (resp.StatusCode == http.StatusOK || resp.StatusCode == http.StatusServiceUnavailable) &&
		json.Unmarshal(b, &a) == nil && len(a.Results) == len(bodies)
	if !perEvent {
		msg := resp.Status + ": " + apiMessage(b)
		if resp.StatusCode == http.StatusUnauthorized {
			msg = "401: " + errUnauthorized.Error()
		}
		return nil, 0, &ingestError{Status: resp.StatusCode, Message: msg, RetryAfter: wait}
	}
	out := make([]statusapi.IngestResult, len(bodies))
	for _, r := range a.Results {
		if r.Index < 0 || r.Index >= len(bodies) {
			return nil, 0, &ingestError{Status: resp.StatusCode, Message: "unexpected answer: result index " + strconv.Itoa(r.Index)}
		}
		out[r.Index] = r
	}
	for i, r := range out {
		if r.Status != fateAccepted && r.Status != fateRefused && r.Status != fateRetry {
			// Not acknowledged is not accepted: resend it.
			out[i].Status = fateRetry
		}
	}
	return out, wait, nil
}

// retryAfter reads a Retry-After of seconds (the form the endpoint sends); anything else is 0.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0
	}
	return time.Duration(min(n, 3600)) * time.Second
}

// validationOwner stands in for the token's owner when an event without user_id is validated
// before it is sent: the client does not know its owner's sub, and the endpoint fills it in.
const validationOwner = "00000000-0000-0000-0000-000000000000"

// ownedBody validates e by the endpoint's rule (trainevent.ParseOwned: user_id absent, or the
// owner's) and returns its body, without user_id when e has none.
func ownedBody(e trainevent.Event) (json.RawMessage, error) {
	probe := e
	if probe.UserID == "" {
		probe.UserID = validationOwner
	}
	b, err := probe.Marshal()
	if err != nil {
		return nil, err
	}
	if e.UserID != "" {
		return b, nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("event body: %w", err)
	}
	delete(raw, "user_id")
	return json.Marshal(raw)
}
