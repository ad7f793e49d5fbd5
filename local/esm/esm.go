// Package esm is the local SQS event source mapping: it long-polls a queue, invokes a function
// through the Lambda Invoke API with a real events.SQSEvent, deletes the messages that succeeded
// and leaves for redelivery those the function lists in batchItemFailures (ReportBatchItemFailures).
// A function error leaves the whole batch, as in AWS; the queue's redrive policy does the rest.
package esm

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trainstatus/trainstatus/local/invoke"
)

// Config is one mapping, as infra/ declares it.
type Config struct {
	QueueURL       string
	QueueARN       string        // the records' eventSourceARN
	Region         string        // the records' awsRegion; default us-east-1
	Function       string        // the function invoked
	BatchSize      int           // 1..10; default 10
	BatchingWindow time.Duration // how long to gather a batch once a message arrived; 0: none
	Pollers        int           // concurrent batches; default 1
	WaitTime       time.Duration // long-poll wait; default 20 s
}

// Mapping polls Config.QueueURL and invokes Config.Function.
type Mapping struct {
	cfg     Config
	sqs     *sqs.Client
	invoker invoke.Invoker
	log     *slog.Logger
}

// New returns a Mapping; Run starts it.
func New(cfg Config, client *sqs.Client, invoker invoke.Invoker, log *slog.Logger) *Mapping {
	if cfg.BatchSize <= 0 || cfg.BatchSize > 10 {
		cfg.BatchSize = 10
	}
	if cfg.Pollers <= 0 {
		cfg.Pollers = 1
	}
	if cfg.WaitTime <= 0 {
		cfg.WaitTime = 20 * time.Second
	}
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	return &Mapping{cfg: cfg, sqs: client, invoker: invoker, log: log.With("esm", cfg.Function)}
}

// Run polls until ctx ends; a batch being processed is finished first.
func (m *Mapping) Run(ctx context.Context) {
	var wg sync.WaitGroup
	for range m.cfg.Pollers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				if _, err := m.PollOnce(ctx); err != nil && ctx.Err() == nil {
					m.log.Error("poll failed", "err", err)
					sleep(ctx, time.Second)
				}
			}
		}()
	}
	wg.Wait()
}

// Outcome is what one batch came to.
type Outcome struct {
	Received, Deleted, Left int
	FunctionError           bool
}

// PollOnce receives one batch (waiting up to WaitTime for a first message), invokes the function
// and deletes what succeeded. A batch with no message invokes nothing.
func (m *Mapping) PollOnce(ctx context.Context) (Outcome, error) {
	msgs, err := m.receive(ctx)
	if err != nil || len(msgs) == 0 {
		return Outcome{}, err
	}
	// Once received, the batch is processed to the end even if ctx ends.
	ctx = context.WithoutCancel(ctx)
	payload, err := batchEvent(msgs, m.cfg.QueueARN, m.cfg.Region)
	if err != nil {
		return Outcome{}, err
	}
	start := time.Now()
	res, err := m.invoker.Invoke(ctx, m.cfg.Function, payload)
	out := Outcome{Received: len(msgs)}
	var keep map[string]bool
	switch {
	case err != nil:
		out.Left = len(msgs)
		m.log.Error("batch invoke failed, batch left for redelivery", "received", out.Received, "err", err)
		return out, nil
	case res.FunctionError != "":
		out.FunctionError, out.Left = true, len(msgs)
		m.log.Warn("function error, batch left for redelivery", "received", out.Received, "error", string(res.Payload))
		return out, nil
	default:
		if keep, err = failedIDs(res.Payload, msgs); err != nil {
			out.Left = len(msgs)
			m.log.Warn("invalid batch response, batch left for redelivery", "received", out.Received, "err", err)
			return out, nil
		}
	}
	deleted, derr := m.delete(ctx, msgs, keep)
	out.Deleted, out.Left = deleted, len(msgs)-deleted
	m.log.Info("batch", "received", out.Received, "deleted", out.Deleted, "left", out.Left,
		"duration_ms", float64(time.Since(start).Microseconds())/1000)
	return out, derr
}

func sleep(ctx context.Context, d time.Duration) {
	select {
	case <-ctx.Done():
	case <-time.After(d):
	}
}

var errInvalidResponse = errors.New("batchItemFailures names a message that is not in the batch")
