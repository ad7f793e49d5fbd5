package trainevent

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// wire is the JSON shape of an event.
type wire struct {
	RequestID string     `json:"request_id"`
	UserID    string     `json:"user_id"`
	Status    job.Status `json:"status"`
	EventTime string     `json:"event_time"`
	Seq       uint64     `json:"seq"`
	Progress  *float64   `json:"progress,omitempty"`
	Message   string     `json:"message,omitempty"`
	Error     string     `json:"error,omitempty"`
	Name      string     `json:"name,omitempty"`
	// StallAfter is in whole seconds.
	StallAfter int64 `json:"stall_after_seconds,omitempty"`
}

// Marshal validates e and returns its message body: the event time in job.TimeLayout (UTC,
// microseconds), seq always written, progress (rounded by RoundProgress), message and error only
// when set, no HTML escaping. Parse(Marshal(e)) equals e.Normalize().
func (e Event) Marshal() ([]byte, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	return e.MarshalJSON()
}

// MarshalJSON writes e, normalized (Event.Normalize), in the wire format, without validating it.
func (e Event) MarshalJSON() ([]byte, error) {
	e = e.Normalize()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := enc.Encode(wire{
		RequestID:  e.RequestID,
		UserID:     e.UserID,
		Status:     e.Status,
		EventTime:  job.FormatTime(e.EventTime),
		Seq:        e.Seq,
		Progress:   e.Progress,
		Message:    e.Message,
		Error:      e.Error,
		Name:       e.Name,
		StallAfter: int64(e.StallAfter / time.Second),
	})
	if err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// UnmarshalJSON parses b with [Parse]: json.Unmarshal into an Event applies every rule.
func (e *Event) UnmarshalJSON(b []byte) error {
	ev, err := Parse(b)
	if err != nil {
		return err
	}
	*e = ev
	return nil
}
