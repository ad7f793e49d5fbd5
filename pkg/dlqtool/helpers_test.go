package dlqtool_test

import (
	"context"
	"time"

	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/dlqtool"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/retry"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

var _ dlqtool.SQSAPI = (*sqsfake.Fake)(nil)

const (
	queueURL = "http://sqs.local/123456789012/training-events"
	fifoURL  = "http://sqs.local/123456789012/training-events.fifo"
	dlqURL   = "http://sqs.local/123456789012/training-events-dlq"
	userID   = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"
)

// testRetry retries at once, recording nothing: the waits are pkg/retry's, tested there.
func testRetry() retry.Policy {
	return retry.Policy{Attempts: 4, Base: time.Millisecond, Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() }}
}

func event(req string, seq uint64) trainevent.Event {
	p := float64(seq % 101)
	return trainevent.Event{RequestID: req, UserID: userID, Status: job.InProgress,
		EventTime: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Second),
		Seq:       seq, Progress: &p}
}
