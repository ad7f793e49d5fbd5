package retry_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/retry"
)

func TestLimit(t *testing.T) {
	tests := []struct {
		name   string
		policy retry.Policy
		want   []time.Duration // Limit(1), Limit(2), ...
	}{
		{"doubling up to the cap", retry.Policy{Base: 100 * time.Millisecond, Max: time.Second},
			[]time.Duration{100 * time.Millisecond, 200 * time.Millisecond, 400 * time.Millisecond, 800 * time.Millisecond, time.Second, time.Second}},
		{"no base: no wait", retry.Policy{Max: time.Second}, []time.Duration{0, 0, 0}},
		{"no cap", retry.Policy{Base: time.Millisecond}, []time.Duration{time.Millisecond, 2 * time.Millisecond, 4 * time.Millisecond}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []time.Duration
			for n := 1; n <= len(tt.want); n++ {
				got = append(got, tt.policy.Limit(n))
			}
			if !slices.Equal(got, tt.want) {
				t.Fatalf("limits %v, want %v", got, tt.want)
			}
		})
	}
	// Far retries neither overflow nor go negative.
	p := retry.Policy{Base: time.Hour}
	for _, n := range []int{40, 64, 1000} {
		if l := p.Limit(n); l <= 0 {
			t.Errorf("Limit(%d) = %v", n, l)
		}
	}
	if l := (retry.Policy{Base: time.Hour, Max: 5 * time.Second}).Limit(1000); l != 5*time.Second {
		t.Errorf("capped Limit(1000) = %v", l)
	}
}

func TestDelayIsFullJitter(t *testing.T) {
	p := retry.Policy{Base: 8 * time.Nanosecond, Max: time.Second}
	seen := map[time.Duration]bool{}
	for range 2000 {
		d := p.Delay(1)
		if d < 1 || d > 8 {
			t.Fatalf("Delay(1) = %v, want 1ns..8ns", d)
		}
		seen[d] = true
	}
	if len(seen) != 8 { // 2000 draws of 8 values: all appear (the chance one is missing is 8*(7/8)^2000)
		t.Fatalf("Delay(1) took %d of the 8 values", len(seen))
	}
}

// recorder records the waits instead of sleeping.
type recorder struct{ waits []time.Duration }

func (r *recorder) sleep(ctx context.Context, d time.Duration) error {
	r.waits = append(r.waits, d)
	return ctx.Err()
}

var errBusy, errRefused = errors.New("busy"), errors.New("refused")

func retryable(err error) bool { return errors.Is(err, errBusy) }

func TestDo(t *testing.T) {
	tests := []struct {
		name         string
		attempts     int
		results      []error // f's result on each call; the last repeats
		wantCalls    int
		wantErr      error
		cancelOnCall int // cancel the context during this call (0: never)
	}{
		{name: "succeeds at once", attempts: 5, results: []error{nil}, wantCalls: 1},
		{name: "succeeds on the third call", attempts: 5, results: []error{errBusy, errBusy, nil}, wantCalls: 3},
		{name: "gives up after Attempts", attempts: 4, results: []error{errBusy}, wantCalls: 4, wantErr: errBusy},
		{name: "not retryable: one call", attempts: 4, results: []error{errRefused}, wantCalls: 1, wantErr: errRefused},
		{name: "zero attempts means one", attempts: 0, results: []error{errBusy}, wantCalls: 1, wantErr: errBusy},
		{name: "a cancelled wait ends it", attempts: 5, results: []error{errBusy}, wantCalls: 2, wantErr: context.Canceled, cancelOnCall: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			rec := &recorder{}
			p := retry.Policy{Attempts: tt.attempts, Base: 10 * time.Millisecond, Max: 25 * time.Millisecond, Sleep: rec.sleep}
			calls := 0
			n, err := p.Do(ctx, retryable, func() error {
				calls++
				if calls == tt.cancelOnCall {
					cancel()
				}
				return tt.results[min(calls, len(tt.results))-1]
			})
			if n != tt.wantCalls || calls != tt.wantCalls {
				t.Fatalf("Do = %d attempts (%d calls), want %d", n, calls, tt.wantCalls)
			}
			if !errors.Is(err, tt.wantErr) || (tt.wantErr == nil) != (err == nil) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			wantWaits := tt.wantCalls - 1
			if tt.cancelOnCall > 0 {
				wantWaits = tt.wantCalls // the last wait was cut short
			}
			if len(rec.waits) != wantWaits {
				t.Fatalf("%d waits for %d calls, want %d", len(rec.waits), tt.wantCalls, wantWaits)
			}
			for i, d := range rec.waits {
				if limit := p.Limit(i + 1); d < 1 || d > limit {
					t.Errorf("wait %d = %v, want within (0, %v]", i+1, d, limit)
				}
			}
		})
	}
}

func TestWaitWithTimer(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	// An hour-long wait on a done context returns at once with the context's error.
	if err := (retry.Policy{Base: time.Hour}).Wait(ctx, 1); !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	if err := (retry.Policy{}).Wait(context.Background(), 3); err != nil {
		t.Fatalf("a zero policy waits for nothing: %v", err)
	}
	if err := (retry.Policy{Base: time.Nanosecond}).Wait(context.Background(), 1); err != nil {
		t.Fatalf("Wait = %v", err)
	}
}
