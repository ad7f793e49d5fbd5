package alerts

import (
	"sync"
	"time"
)

// Limiter bounds the alerts posted for one user to one Slack or webhook URL: Burst at once, then
// one per Every. It lives in one function instance (a Lambda container), so across instances the
// bound is per instance: enough to keep a job that flaps, or a flood of tiny jobs, from turning
// trainstatus into a cannon aimed at someone's endpoint. An alert over the limit is retried later
// (ErrRetry), never dropped.
type Limiter struct {
	Burst int
	Every time.Duration

	mu      sync.Mutex
	buckets map[string]bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// DefaultLimiter: 10 at once, then one every 6 s (10 a minute) per user.
func DefaultLimiter() *Limiter { return &Limiter{Burst: 10, Every: 6 * time.Second} }

// Allow takes a token of user's bucket at now, if there is one.
func (l *Limiter) Allow(user string, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[string]bucket{}
	}
	b, ok := l.buckets[user]
	if !ok {
		b = bucket{tokens: float64(l.Burst), at: now}
	}
	if now.After(b.at) {
		b.tokens = min(float64(l.Burst), b.tokens+float64(now.Sub(b.at))/float64(l.Every))
		b.at = now
	}
	if b.tokens < 1 {
		l.buckets[user] = b
		return false
	}
	b.tokens--
	l.buckets[user] = b
	return true
}
