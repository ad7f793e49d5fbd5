package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func init() {
	register(commands, "send-file", command{"send the events of a JSON Lines file (- for stdin)", runSendFile})
}

func runSendFile(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "send-file", "send-file [--queue-url URL] FILE")
	queue := fs.String("queue-url", "", "training-events queue URL (default $"+producer.EnvQueueURL+")")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("send-file: want one FILE, got %d arguments", len(pos))
	}
	url, err := url(e, *queue, "queue-url", producer.EnvQueueURL)
	if err != nil {
		return err
	}
	in := e.stdin
	if pos[0] != "-" {
		f, err := os.Open(pos[0])
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	events, lines, err := readEvents(in)
	if err != nil {
		return fmt.Errorf("send-file %s: %w; nothing sent", pos[0], err)
	}
	api, err := e.sqs(ctx)
	if err != nil {
		return err
	}
	err = producer.New(api, url).SendBatch(ctx, events)
	var be *producer.BatchError
	if errors.As(err, &be) {
		for _, f := range be.Failed {
			// The error may quote SQS's answer.
			fmt.Fprintf(e.stderr, "line %d (%s %s): not sent: %s\n", lines[f.Index], f.Event.RequestID, f.Event.Status, sanitize(f.Err.Error()))
		}
		return fmt.Errorf("send-file: %d of %d events not sent", len(be.Failed), len(events))
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "sent %d events\n", len(events))
	return nil
}

// readEvents parses every non-blank line; it returns the events with their line numbers, or
// every bad line in one error.
func readEvents(r io.Reader) ([]trainevent.Event, []int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), trainevent.MaxBodySize+1)
	var events []trainevent.Event
	var lines []int
	var errs []error
	n := 0
	for sc.Scan() {
		n++
		line := bytes.TrimSpace(sc.Bytes())
		if len(line) == 0 {
			continue
		}
		ev, err := trainevent.Parse(line)
		if err != nil {
			errs = append(errs, fmt.Errorf("line %d: %w", n, err))
			continue
		}
		events = append(events, ev)
		lines = append(lines, n)
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("line %d: %w", n+1, err))
	}
	if len(errs) > 0 {
		return nil, nil, errors.Join(errs...)
	}
	if len(events) == 0 {
		return nil, nil, errors.New("no events")
	}
	return events, lines, nil
}
