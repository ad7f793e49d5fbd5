package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/job"
)

func init() {
	register(dlqCommands, "list", command{"list the dead-letter messages, without deleting them", runDLQList})
}

// listed is one line of `dlq list --json`.
type listed struct {
	MessageID         string  `json:"message_id"`
	OriginalMessageID string  `json:"original_message_id,omitempty"`
	RequestID         string  `json:"request_id,omitempty"`
	Reason            string  `json:"reason"`
	FailedAt          string  `json:"failed_at,omitempty"`
	AgeSeconds        float64 `json:"age_seconds"`
	ReceiveCount      int     `json:"receive_count"`
	Body              string  `json:"body"`
}

func runDLQList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "dlq list", "dlq list [--dlq-url URL] [--json]")
	df := addDLQFlags(fs)
	asJSON := fs.Bool("json", false, "one JSON object a line, with the body")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("dlq list: unexpected arguments %q", pos)
	}
	d, err := df.open(ctx, e)
	if err != nil {
		return err
	}
	now := e.now()
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	if !*asJSON {
		fmt.Fprintln(tw, "MESSAGE ID\tAGE\tREQUEST ID\tRECEIVES\tREASON")
	}
	n := 0
	var failure error
	for m, err := range d.Inspect(ctx) {
		if err != nil {
			if errors.Is(err, deadletter.ErrMalformed) {
				fmt.Fprintf(e.stderr, "warning: %s\n", sanitize(err.Error()))
				continue
			}
			failure = err // a failed receive or release; the listing ends
			continue
		}
		n++
		if *asJSON {
			l := listed{MessageID: m.MessageID, OriginalMessageID: m.OriginalMessageID, RequestID: m.RequestID,
				Reason: reasonOf(m), AgeSeconds: m.Age(now).Round(time.Millisecond).Seconds(), ReceiveCount: m.ReceiveCount, Body: m.Body}
			if !m.FailedAt.IsZero() {
				l.FailedAt = job.FormatTime(m.FailedAt)
			}
			b, err := json.Marshal(l) // escapes C0 controls and invalid UTF-8...
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(e.stdout, "%s\n", escapeC1(b)); err != nil { // ...and this the rest
				return err
			}
			continue
		}
		// Every field comes from the queue: one line each, without control characters.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\n", cell(m.MessageID, 100), age(m.Age(now)), orDash(cell(m.RequestID, 128)),
			m.ReceiveCount, cell(reasonOf(m), 100))
	}
	if !*asJSON {
		tw.Flush()
	}
	fmt.Fprintf(e.stderr, "%d messages\n", n)
	return failure
}

func reasonOf(m deadletter.Message) string {
	if m.Reason == "" && m.SourceARN != "" {
		return "(moved by the redrive policy of " + m.SourceARN + ")"
	}
	if m.Reason == "" {
		return "(no reason given)"
	}
	return m.Reason
}

// cell is s for a table cell: sanitized, on one line, at most max runes.
func cell(s string, max int) string { return oneLine(sanitize(s), max) }

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// oneLine flattens s to one line of at most max runes.
func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > max {
		return string(r[:max-1]) + "…"
	}
	return s
}

// age formats d for people: 45s, 12m, 3h20m, 2d4h.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd%dh", int(d.Hours())/24, int(d.Hours())%24)
}
