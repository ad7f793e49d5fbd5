package producer_test

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func failEntry(code string, senderFault bool) *types.BatchResultErrorEntry {
	return &types.BatchResultErrorEntry{Code: aws.String(code), Message: aws.String(code), SenderFault: senderFault}
}

func TestSendBatch(t *testing.T) {
	tests := []struct {
		name       string
		n          int
		fault      func(call int) error                                       // whole-call fault by call number (1-based)
		entryFault func(entryID string, try int) *types.BatchResultErrorEntry // by entry and its try (1-based)
		wantCalls  int
		wantFailed []int  // indexes not sent
		wantCode   string // of the API error wrapped by the BatchError, when a whole call failed
	}{
		{name: "25 events: 10 + 10 + 5", n: 25, wantCalls: 3},
		{name: "exactly 10 events: one call", n: 10, wantCalls: 1},
		{name: "every third entry fails once with a server error, then goes through", n: 25,
			entryFault: func(id string, try int) *types.BatchResultErrorEntry {
				if i, _ := strconv.Atoi(id); i%3 == 0 && try == 1 {
					return failEntry("ServiceUnavailable", false)
				}
				return nil
			},
			wantCalls: 6},
		{name: "an entry throttled every time gives up after MaxAttempts", n: 12,
			entryFault: func(id string, try int) *types.BatchResultErrorEntry {
				if id == "4" {
					return failEntry("ThrottlingException", false)
				}
				return nil
			},
			wantCalls: 5, wantFailed: []int{4}},
		{name: "a sender-fault entry is not retried", n: 5,
			entryFault: func(id string, try int) *types.BatchResultErrorEntry {
				if id == "1" || id == "3" {
					return failEntry("InvalidMessageContents", true)
				}
				return nil
			},
			wantCalls: 1, wantFailed: []int{1, 3}},
		{name: "whole call throttled twice, then sent", n: 15,
			fault: func(call int) error {
				if call <= 2 {
					return sqsfake.APIError("ThrottlingException", "", smithy.FaultClient)
				}
				return nil
			},
			wantCalls: 4},
		{name: "second request refused as a whole: its events come back", n: 15,
			fault: func(call int) error {
				if call == 2 {
					return sqsfake.APIError("AccessDenied", "no", smithy.FaultClient)
				}
				return nil
			},
			wantCalls: 2, wantFailed: []int{10, 11, 12, 13, 14}, wantCode: "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, _ := newClient(t, queueURL)
			calls := 0
			fake.Fault = func(op string, in any) error {
				calls++
				if n := len(in.(*sqs.SendMessageBatchInput).Entries); n > producer.MaxBatchEntries {
					t.Errorf("batch of %d entries", n)
				}
				if tt.fault != nil {
					return tt.fault(calls)
				}
				return nil
			}
			tries := map[string]int{}
			if tt.entryFault != nil {
				fake.EntryFault = func(_ string, id, _ string) *types.BatchResultErrorEntry {
					tries[id]++
					return tt.entryFault(id, tries[id])
				}
			}
			evs := events(tt.n)
			err := c.SendBatch(context.Background(), evs)
			if got := fake.Calls("SendMessageBatch"); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			// Every event not reported failed is in the queue exactly once.
			failed := map[int]bool{}
			for _, i := range tt.wantFailed {
				failed[i] = true
			}
			seen := map[string]int{}
			for _, e := range bodies(t, fake, queueURL) {
				seen[e.OrderKey()+e.RequestID]++
			}
			for i, e := range evs {
				want := 1
				if failed[i] {
					want = 0
				}
				if got := seen[e.OrderKey()+e.RequestID]; got != want {
					t.Errorf("event %d in the queue %d times, want %d", i, got, want)
				}
			}
			if len(tt.wantFailed) == 0 {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var be *producer.BatchError
			if !errors.As(err, &be) || !errors.Is(err, producer.ErrNotSent) {
				t.Fatalf("err = %v, want a *BatchError", err)
			}
			var got []int
			for _, f := range be.Failed {
				got = append(got, f.Index)
				if f.Event.OrderKey() != evs[f.Index].OrderKey() {
					t.Errorf("failed #%d carries the wrong event", f.Index)
				}
			}
			if !equalInts(got, tt.wantFailed) || be.Total != tt.n {
				t.Fatalf("failed %v of %d, want %v of %d", got, be.Total, tt.wantFailed, tt.n)
			}
			var apiErr smithy.APIError
			if tt.wantCode != "" && (!errors.As(err, &apiErr) || apiErr.ErrorCode() != tt.wantCode) {
				t.Fatalf("err = %v does not wrap the %s error", err, tt.wantCode)
			}
			var ee *producer.EntryError
			if tt.wantCode == "" && !errors.As(err, &ee) {
				t.Fatalf("err = %v does not carry the *EntryError", err)
			}
		})
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestSendBatchRetriesOnlyFailedEntries(t *testing.T) {
	c, fake, s := newClient(t, queueURL)
	var sizes []int
	fake.Fault = func(_ string, in any) error {
		sizes = append(sizes, len(in.(*sqs.SendMessageBatchInput).Entries))
		return nil
	}
	tries := map[string]int{}
	fake.EntryFault = func(_ string, id, _ string) *types.BatchResultErrorEntry {
		tries[id]++
		if (id == "2" || id == "7") && tries[id] <= 2 {
			return failEntry("InternalError", false)
		}
		return nil
	}
	if err := c.SendBatch(context.Background(), events(10)); err != nil {
		t.Fatal(err)
	}
	if !equalInts(sizes, []int{10, 2, 2}) {
		t.Fatalf("request sizes %v, want [10 2 2]", sizes)
	}
	if len(s.d) != 2 || s.d[0] > 10_000_000 || s.d[1] > 20_000_000 {
		t.Fatalf("backoffs %v, want 2 within 10ms and 20ms", s.d)
	}
}

func TestSendBatchInvalidSendsNothing(t *testing.T) {
	c, fake, _ := newClient(t, queueURL)
	evs := events(12)
	evs[3].RequestID = ""
	p := 150.0
	evs[8].Progress = &p
	err := c.SendBatch(context.Background(), evs)
	var be *producer.BatchError
	if !errors.As(err, &be) || !errors.Is(err, trainevent.ErrInvalid) {
		t.Fatalf("err = %v", err)
	}
	if len(be.Failed) != 2 || be.Failed[0].Index != 3 || be.Failed[1].Index != 8 || be.Failed[0].Attempts != 0 {
		t.Fatalf("failed = %+v", be.Failed)
	}
	var fe *trainevent.FieldError
	if !errors.As(be.Failed[1].Err, &fe) || fe.Field != "progress" {
		t.Fatalf("failed[1].Err = %v", be.Failed[1].Err)
	}
	if fake.Calls("SendMessageBatch") != 0 {
		t.Fatal("sent despite invalid events")
	}
	if !strings.Contains(err.Error(), "2 of 12 events not sent") {
		t.Fatalf("message %q", err)
	}
}

// TestLargestEventsFitTenToABatch: the largest valid body (every byte of message and error one
// JSON escapes to two or six bytes) is so small that 10 always fit in one SendMessageBatch; the
// size split (chunks, tested inside the package) is a guard for a larger format.
func TestLargestEventsFitTenToABatch(t *testing.T) {
	c, fake, _ := newClient(t, queueURL)
	evs := events(10)
	for i := range evs {
		evs[i].Message = strings.Repeat("\"", trainevent.MaxMessageLen)               // 2 bytes each
		evs[i].Error = strings.Repeat("\u2028", trainevent.MaxErrorLen/len("\u2028")) // 3 bytes, written as 6
	}
	if err := c.SendBatch(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	size := 0
	for _, m := range fake.Messages(queueURL) {
		size += len(m.Body)
	}
	if got := fake.Calls("SendMessageBatch"); got != 1 || size > producer.MaxBatchBytes {
		t.Fatalf("%d calls for 10 of the largest events (%d bytes in all)", got, size)
	}
	if got := len(bodies(t, fake, queueURL)); got != 10 {
		t.Fatalf("%d messages sent", got)
	}
}

func TestSendBatchFIFO(t *testing.T) {
	c, fake, _ := newClient(t, fifoURL)
	evs := events(6)
	evs = append(evs, evs[0], evs[1]) // duplicates: dropped by deduplication
	fake.Fault = func(_ string, in any) error {
		for _, e := range in.(*sqs.SendMessageBatchInput).Entries {
			ev, _ := trainevent.Parse([]byte(*e.MessageBody))
			if aws.ToString(e.MessageGroupId) != ev.RequestID || aws.ToString(e.MessageDeduplicationId) != producer.DeduplicationID(ev) {
				t.Errorf("entry %s: group %q dedup %q", *e.Id, aws.ToString(e.MessageGroupId), aws.ToString(e.MessageDeduplicationId))
			}
		}
		return nil
	}
	if err := c.SendBatch(context.Background(), evs); err != nil {
		t.Fatal(err)
	}
	if got := len(fake.Messages(fifoURL)); got != 6 {
		t.Fatalf("%d messages, want 6", got)
	}
}

func TestSendBatchContextCancelledDuringBackoff(t *testing.T) {
	c, fake, _ := newClient(t, queueURL)
	ctx, cancel := context.WithCancel(context.Background())
	fake.EntryFault = func(_ string, id, _ string) *types.BatchResultErrorEntry {
		if id == "0" {
			cancel()
			return failEntry("InternalError", false)
		}
		return nil
	}
	err := c.SendBatch(ctx, events(3))
	var be *producer.BatchError
	if !errors.As(err, &be) || len(be.Failed) != 1 || !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}
