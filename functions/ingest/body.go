package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// readEvents splits a request body into its events, unparsed: the body is one event object, or
// {"events": [...]} with 1 to statusapi.MaxIngestEvents elements (an object with an "events" key
// is a batch: the event format has no such field). Each element is checked later, on its own, so
// one bad event refuses only itself. Errors: a body over statusapi.MaxIngestBody (413), and
// anything that is not such a JSON object (400).
func readEvents(req events.APIGatewayV2HTTPRequest) ([]json.RawMessage, *apiError) {
	raw := []byte(req.Body)
	if req.IsBase64Encoded {
		if base64.StdEncoding.DecodedLen(len(raw)) > statusapi.MaxIngestBody+2 {
			return nil, errTooLarge
		}
		b, err := base64.StdEncoding.DecodeString(req.Body)
		if err != nil {
			return nil, invalidBody("the body is not valid base64")
		}
		raw = b
	}
	if len(raw) > statusapi.MaxIngestBody {
		return nil, errTooLarge
	}
	trimmed := bytes.TrimSpace(raw)
	if len(trimmed) == 0 {
		return nil, invalidBody("the body is empty: send one event or {\"events\": [...]}")
	}
	var fields map[string]json.RawMessage
	if trimmed[0] != '{' || json.Unmarshal(trimmed, &fields) != nil {
		return nil, invalidBody("the body must be a JSON object: one event or {\"events\": [...]}")
	}
	list, isBatch := fields["events"]
	if !isBatch {
		return []json.RawMessage{trimmed}, nil
	}
	var evs []json.RawMessage
	if err := json.Unmarshal(list, &evs); err != nil || evs == nil {
		return nil, invalidBody("events must be a JSON array of event objects")
	}
	if len(evs) == 0 || len(evs) > statusapi.MaxIngestEvents {
		return nil, invalidBody(fmt.Sprintf("events must hold 1 to %d events (it has %d)", statusapi.MaxIngestEvents, len(evs)))
	}
	return evs, nil
}

// oversize reports, from its length alone, a body over statusapi.MaxIngestBody: checked before
// the token, so that a large body costs nothing.
func oversize(req events.APIGatewayV2HTTPRequest) bool {
	if req.IsBase64Encoded {
		return base64.StdEncoding.DecodedLen(len(req.Body)) > statusapi.MaxIngestBody+2
	}
	return len(req.Body) > statusapi.MaxIngestBody
}

// requestIDOf is the request_id an event names, for its result, even when the event is refused
// ("" when there is no string request_id).
func requestIDOf(raw json.RawMessage) string {
	var ev struct {
		RequestID any `json:"request_id"`
	}
	if json.Unmarshal(raw, &ev) != nil {
		return ""
	}
	id, _ := ev.RequestID.(string)
	if len(id) > 128 {
		return ""
	}
	return id
}
