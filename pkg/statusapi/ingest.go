package statusapi

import "encoding/json"

// The ingest endpoint's bodies (POST /v1/events, with a reporting token). The request is one
// training event (events/README.md, user_id optional) or an EventBatch.

// EventBatch is a request of several events: 1 to MaxIngestEvents, each an event object (a
// client marshals its trainevent.Event values into it).
type EventBatch struct {
	Events []json.RawMessage `json:"events"`
}

// MaxIngestEvents is the most events one request may carry; MaxIngestBody the most bytes.
const (
	MaxIngestEvents = 100
	MaxIngestBody   = 1 << 20
)

// Outcomes of one event of an ingest request.
const (
	// IngestAccepted: the event is in the events queue.
	IngestAccepted = "accepted"
	// IngestRefused: the event is invalid (Field and Reason say why); sending it again is useless.
	IngestRefused = "refused"
	// IngestRetry: the event could not be enqueued now; send it again later (the answer is 503).
	IngestRetry = "retry"
)

// IngestResult is the fate of one event of a request, in the request's order.
type IngestResult struct {
	Index     int    `json:"index"`
	RequestID string `json:"request_id,omitempty"`
	Status    string `json:"status"`
	Field     string `json:"field,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// IngestResponse answers an ingest request that was read: 200 when every event was accepted or
// refused for good, 503 (with Retry-After) when some must be sent again (status "retry").
type IngestResponse struct {
	Accepted int            `json:"accepted"`
	Refused  int            `json:"refused"`
	Results  []IngestResult `json:"results"`
}
