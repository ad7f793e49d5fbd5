package main

import (
	"context"
	"fmt"

	"github.com/trainstatus/trainstatus/pkg/dlqtool"
	"github.com/trainstatus/trainstatus/pkg/producer"
)

func init() {
	register(dlqCommands, "redrive", command{"send chosen dead-letter messages (or --all) back to the queue", runDLQRedrive})
}

func runDLQRedrive(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "dlq redrive", "dlq redrive [--dlq-url URL] [--queue-url URL] (--all | ID...)")
	df := addDLQFlags(fs)
	queue := fs.String("queue-url", "", "queue to send them to (default $"+producer.EnvQueueURL+")")
	all := fs.Bool("all", false, "redrive every message")
	ids, err := parse(fs, args)
	if err != nil {
		return err
	}
	if *all == (len(ids) > 0) {
		return usagef("dlq redrive: give --all or message ids (dead-letter or original), not both or neither")
	}
	target, err := url(e, *queue, "queue-url", producer.EnvQueueURL)
	if err != nil {
		return err
	}
	d, err := df.open(ctx, e)
	if err != nil {
		return err
	}
	if target == d.URL() {
		return usagef("dlq redrive: --queue-url is the dead-letter queue itself")
	}
	res, err := d.Redrive(ctx, target, dlqtool.Selection{All: *all, IDs: ids})
	for _, m := range res.Redriven {
		fmt.Fprintf(e.stdout, "redriven %s (request %s)\n", oneLine(sanitize(m.MessageID), 100), orDash(oneLine(sanitize(m.RequestID), 128)))
	}
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "warning: %s\n", sanitize(w.Error()))
	}
	fmt.Fprintf(e.stderr, "%d redriven, %d failed, %d not found\n", len(res.Redriven), len(res.Failed), len(res.NotFound))
	if err != nil {
		return err
	}
	return res.Err()
}
