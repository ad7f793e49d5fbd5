package producer_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func TestSend(t *testing.T) {
	throttle := sqsfake.APIError("ThrottlingException", "slow down", smithy.FaultClient)
	server := sqsfake.APIError("InternalError", "oops", smithy.FaultServer)
	senderFault := sqsfake.APIError("InvalidParameterValue", "no", smithy.FaultClient)
	tests := []struct {
		name      string
		faults    []error // returned by the successive SendMessage calls, nil = succeed
		wantCalls int
		wantSent  bool
		wantErr   error
	}{
		{"sent at once", nil, 1, true, nil},
		{"throttled twice, then sent", []error{throttle, throttle}, 3, true, nil},
		{"server error, then sent", []error{server}, 2, true, nil},
		{"throttled every time: gives up after MaxAttempts", []error{throttle, throttle, throttle, throttle, throttle}, 4, false, throttle},
		{"request refused: not retried", []error{senderFault}, 1, false, senderFault},
		{"network failure, then sent", []error{errors.New("connection reset")}, 2, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, fake, s := newClient(t, queueURL)
			n := 0
			fake.Fault = func(op string, _ any) error {
				defer func() { n++ }()
				if n < len(tt.faults) {
					return tt.faults[n]
				}
				return nil
			}
			id, err := c.Send(context.Background(), event("job-1", 1))
			if got := fake.Calls("SendMessage"); got != tt.wantCalls {
				t.Errorf("calls = %d, want %d", got, tt.wantCalls)
			}
			if len(s.d) != tt.wantCalls-1 {
				t.Errorf("backoffs = %d, want %d", len(s.d), tt.wantCalls-1)
			}
			sent := len(fake.Messages(queueURL)) == 1
			if sent != tt.wantSent || (id != "") != tt.wantSent {
				t.Fatalf("sent = %v (id %q), want %v", sent, id, tt.wantSent)
			}
			if tt.wantErr == nil {
				if err != nil {
					t.Fatal(err)
				}
				got := bodies(t, fake, queueURL)[0]
				if got.OrderKey() != event("job-1", 1).OrderKey() || got.RequestID != "job-1" {
					t.Fatalf("queued %+v", got)
				}
				return
			}
			if !errors.Is(err, producer.ErrNotSent) || !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want ErrNotSent wrapping %v", err, tt.wantErr)
			}
		})
	}
}

func TestSendInvalidMakesNoCall(t *testing.T) {
	c, fake, _ := newClient(t, queueURL)
	e := event("job 1", 1)
	_, err := c.Send(context.Background(), e)
	var fe *trainevent.FieldError
	if !errors.Is(err, trainevent.ErrInvalid) || !errors.Is(err, producer.ErrNotSent) || !errors.As(err, &fe) || fe.Field != "request_id" {
		t.Fatalf("err = %v", err)
	}
	if fake.Calls("SendMessage") != 0 {
		t.Fatal("an invalid event was sent")
	}
}

func TestSendStopsWhenContextEnds(t *testing.T) {
	c, fake, _ := newClient(t, queueURL)
	ctx, cancel := context.WithCancel(context.Background())
	fake.Fault = func(string, any) error {
		cancel()
		return sqsfake.APIError("ThrottlingException", "", smithy.FaultClient)
	}
	_, err := c.Send(ctx, event("job-1", 1))
	if !errors.Is(err, context.Canceled) || fake.Calls("SendMessage") != 1 {
		t.Fatalf("err = %v after %d calls", err, fake.Calls("SendMessage"))
	}
}

func TestSendFIFO(t *testing.T) {
	c, fake, _ := newClient(t, fifoURL)
	var inputs []*sqs.SendMessageInput
	fake.Fault = func(_ string, in any) error {
		inputs = append(inputs, in.(*sqs.SendMessageInput))
		return nil
	}
	e := event("job-7", 3)
	for range 2 { // the same event twice: one message
		if _, err := c.Send(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Send(context.Background(), event("job-7", 4)); err != nil {
		t.Fatal(err)
	}
	if got := len(fake.Messages(fifoURL)); got != 2 {
		t.Fatalf("%d messages, want 2 (the duplicate dropped)", got)
	}
	if aws.ToString(inputs[0].MessageGroupId) != "job-7" || aws.ToString(inputs[0].MessageDeduplicationId) != producer.DeduplicationID(e) {
		t.Fatalf("group %q dedup %q", aws.ToString(inputs[0].MessageGroupId), aws.ToString(inputs[0].MessageDeduplicationId))
	}
	if producer.DeduplicationID(e) == producer.DeduplicationID(event("job-7", 4)) {
		t.Fatal("different events share a deduplication id")
	}
	other := e
	other.Status = "SUCCESS"
	if producer.DeduplicationID(e) == producer.DeduplicationID(other) {
		t.Fatal("the status is not part of the deduplication id")
	}
	// A standard queue gets neither.
	c2, fake2, _ := newClient(t, queueURL)
	fake2.Fault = func(_ string, in any) error {
		if m := in.(*sqs.SendMessageInput); m.MessageGroupId != nil || m.MessageDeduplicationId != nil {
			t.Errorf("FIFO ids on a standard queue")
		}
		return nil
	}
	if _, err := c2.Send(context.Background(), e); err != nil {
		t.Fatal(err)
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		err  error
		want bool
	}{
		{nil, false},
		{context.Canceled, false},
		{context.DeadlineExceeded, false},
		{sqsfake.APIError("ThrottlingException", "", smithy.FaultClient), true},
		{sqsfake.APIError("RequestThrottled", "", smithy.FaultUnknown), true},
		{sqsfake.APIError("InternalError", "", smithy.FaultServer), true},
		{sqsfake.APIError("ServiceUnavailable", "", smithy.FaultUnknown), true},
		{sqsfake.APIError("QueueDoesNotExist", "", smithy.FaultClient), false},
		{sqsfake.APIError("AccessDenied", "", smithy.FaultClient), false},
		{smithy.InvalidParamsError{Context: "SendMessageInput"}, false},
		{errors.New("dial tcp: connection refused"), true},
	}
	for _, tt := range tests {
		if got := producer.Retryable(tt.err); got != tt.want {
			t.Errorf("Retryable(%v) = %v, want %v", tt.err, got, tt.want)
		}
	}
}
