package main

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// testToken is a reporting token of the fake ingest endpoint; its owner is sub.
const testToken = "tsk_abcdefghijklmnopqrstuvwxyz234567"

// fault is how the fake ingest endpoint answers one request instead of accepting its events.
type fault string

const (
	faultNone    fault = ""
	fault500     fault = "500"
	fault429     fault = "429"     // rate limited, Retry-After: 0
	fault503Head fault = "503head" // the first event not queued ("retry"), the others accepted
	faultSlow    fault = "slow"    // no answer until the client gives up
	faultRefuse  fault = "refuse"  // 200, every event refused for a field
)

// ingestFake is the ingest endpoint of the BRIEF contract over the events it accepts, validated
// with the function's own rule (trainevent.ParseOwned), with a script of faults, one a request.
type ingestFake struct {
	t      *testing.T
	mu     sync.Mutex
	script []fault
	events []trainevent.Event
	bodies []string // the raw JSON of each accepted event
	calls  int
	// onEvent, when set, sees each accepted event (outside the lock).
	onEvent func(trainevent.Event)
	// arrived and hold, when set: the first request signals arrived, then waits for hold to close.
	arrived, hold chan struct{}
}

func newIngestFake(t *testing.T, script ...fault) (*ingestFake, *httptest.Server) {
	f := &ingestFake{t: t, script: script}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *ingestFake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != ingestPath {
		http.Error(w, "no such route", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		w.Header().Set("WWW-Authenticate", "Bearer")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"code":"unauthorized","message":"missing, unknown or revoked token"}}`)
		return
	}
	var body struct{ Events []json.RawMessage }
	if err := json.NewDecoder(r.Body).Decode(&body); err != nil || len(body.Events) == 0 || len(body.Events) > maxIngestBatch {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"error":{"code":"invalid_body","message":"bad batch"}}`)
		return
	}
	f.mu.Lock()
	f.calls++
	first := f.calls == 1
	f.mu.Unlock()
	if first && f.hold != nil {
		close(f.arrived)
		<-f.hold
	}
	f.mu.Lock()
	var ft fault
	if len(f.script) > 0 {
		ft, f.script = f.script[0], f.script[1:]
	}
	f.mu.Unlock()
	switch ft {
	case fault500:
		w.WriteHeader(http.StatusInternalServerError)
		io.WriteString(w, `{"error":{"code":"internal","message":"scripted"}}`)
		return
	case fault429:
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"error":{"code":"rate_limited","message":"slow down"}}`)
		return
	case faultSlow:
		<-r.Context().Done()
		return
	}
	var a statusapi.IngestResponse
	var accepted []trainevent.Event
	for i, raw := range body.Events {
		ev, err := trainevent.ParseOwned(raw, sub)
		res := statusapi.IngestResult{Index: i, RequestID: ev.RequestID, Status: fateAccepted}
		var fe *trainevent.FieldError
		switch {
		case ft == faultRefuse:
			res.Status, res.Field, res.Reason = fateRefused, "progress", "scripted refusal"
		case asFieldError(err, &fe):
			res.Status, res.Field, res.Reason = fateRefused, fe.Field, fe.Reason
		case ft == fault503Head && i == 0:
			res.Status = fateRetry
		}
		if res.Status == fateAccepted {
			a.Accepted++
			accepted = append(accepted, ev)
			f.mu.Lock()
			f.events = append(f.events, ev)
			f.bodies = append(f.bodies, string(raw))
			f.mu.Unlock()
		} else if res.Status == fateRefused {
			a.Refused++
		}
		a.Results = append(a.Results, res)
	}
	if ft == fault503Head {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	json.NewEncoder(w).Encode(a)
	if f.onEvent != nil {
		for _, ev := range accepted {
			f.onEvent(ev)
		}
	}
}

func asFieldError(err error, fe **trainevent.FieldError) bool {
	if err == nil {
		return false
	}
	e, ok := err.(*trainevent.FieldError)
	*fe = e
	return ok
}

// got is the accepted events, in the order they came.
func (f *ingestFake) got() []trainevent.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]trainevent.Event(nil), f.events...)
}

// statuses is the accepted events' statuses, "STARTED IN_PROGRESS SUCCESS".
func statuses(evs []trainevent.Event) string {
	s := make([]string, len(evs))
	for i, e := range evs {
		s[i] = string(e.Status)
	}
	return strings.Join(s, " ")
}
