package producer_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/retry"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

var _ producer.SQSAPI = (*sqsfake.Fake)(nil)

const (
	queueURL = "http://sqs.local/123456789012/training-events"
	fifoURL  = "http://sqs.local/123456789012/training-events.fifo"
	dlqURL   = "http://sqs.local/123456789012/training-events-dlq"
)

// sleeps records backoffs instead of waiting.
type sleeps struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func testRetry(s *sleeps) retry.Policy {
	return retry.Policy{Attempts: 4, Base: 10 * time.Millisecond, Max: 50 * time.Millisecond, Sleep: s.sleep}
}

// userID is the owner of the events event builds: a Cognito sub.
const userID = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"

func newClient(t *testing.T, url string) (*producer.Client, *sqsfake.Fake, *sleeps) {
	t.Helper()
	fake := sqsfake.New()
	c := producer.New(fake, url)
	s := &sleeps{}
	c.Retry = testRetry(s)
	return c, fake, s
}

func event(req string, seq uint64) trainevent.Event {
	p := float64(seq % 101)
	return trainevent.Event{RequestID: req, UserID: userID, Status: job.InProgress,
		EventTime: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC).Add(time.Duration(seq) * time.Second),
		Seq:       seq, Progress: &p, Message: fmt.Sprintf("step %d", seq)}
}

func events(n int) []trainevent.Event {
	var out []trainevent.Event
	for i := range n {
		out = append(out, event(fmt.Sprintf("job-%d", i%3), uint64(i)))
	}
	return out
}

// bodies returns the bodies in the queue, parsed, oldest first.
func bodies(t *testing.T, fake *sqsfake.Fake, url string) []trainevent.Event {
	t.Helper()
	var out []trainevent.Event
	for _, m := range fake.Messages(url) {
		e, err := trainevent.Parse([]byte(m.Body))
		if err != nil {
			t.Fatalf("queue holds an invalid body %q: %v", m.Body, err)
		}
		out = append(out, e)
	}
	return out
}
