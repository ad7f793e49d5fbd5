package trainevent

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/trainstatus/trainstatus/pkg/job"
)

// ErrInvalidOrderKey: a text is not an order key that [Event.OrderKey] writes.
var ErrInvalidOrderKey = errors.New("trainevent: invalid order key")

// OrderKeyTime returns the event time an order key ([Event.OrderKey]) was made from, for readers
// of stored keys (the status API's ETA reads the first progress report's). A text that is not an
// order key is an error wrapping ErrInvalidOrderKey.
func OrderKeyTime(key string) (time.Time, error) {
	at, seq, ok := strings.Cut(key, "#")
	if !ok || len(seq) != 20 || strings.Trim(seq, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("%w: %q", ErrInvalidOrderKey, key)
	}
	t, err := job.ParseTime(at)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: %q: %w", ErrInvalidOrderKey, key, err)
	}
	return t, nil
}
