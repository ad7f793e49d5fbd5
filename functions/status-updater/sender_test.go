package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/awserr"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
)

// sqsFault is what the fault proxy does with one SendMessage request instead of passing it on:
// answer with SQS's error (code, and the query protocol's code in x-amzn-query-error), hang until
// the client abandons the attempt, or pass it on and alter the MD5 of the body in the answer.
type sqsFault struct {
	status     int
	code       string // the JSON protocol's __type
	queryError string // x-amzn-query-error, "" for none
	hang       bool
	badMD5     bool
}

// faultySQS is a proxy in front of fauxqs whose SendMessage requests meet the faults queued, one
// per request, then pass.
type faultySQS struct {
	url   string
	mu    sync.Mutex
	next  []*sqsFault
	sends atomic.Int64
}

func newFaultySQS(t *testing.T, faults ...*sqsFault) *faultySQS {
	t.Helper()
	sqsClient(t) // starts fauxqs
	target, _ := url.Parse(sqsServer.Endpoint)
	f := &faultySQS{next: faults}
	proxy := httputil.NewSingleHostReverseProxy(target)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("X-Amz-Target") != "AmazonSQS.SendMessage" {
			proxy.ServeHTTP(w, r)
			return
		}
		f.sends.Add(1)
		f.mu.Lock()
		var fault *sqsFault
		if len(f.next) > 0 {
			fault, f.next = f.next[0], f.next[1:]
		}
		f.mu.Unlock()
		switch {
		case fault == nil:
			proxy.ServeHTTP(w, r)
		case fault.hang:
			io.Copy(io.Discard, r.Body) // then the server sees the client close the connection
			<-r.Context().Done()
		case fault.badMD5:
			rec := httptest.NewRecorder()
			proxy.ServeHTTP(rec, r)
			var out map[string]any
			json.Unmarshal(rec.Body.Bytes(), &out)
			out["MD5OfMessageBody"] = "00000000000000000000000000000000"
			w.Header().Set("Content-Type", rec.Header().Get("Content-Type"))
			json.NewEncoder(w).Encode(out)
		default:
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			if fault.queryError != "" {
				w.Header().Set("X-Amzn-Query-Error", fault.queryError)
			}
			w.WriteHeader(fault.status)
			json.NewEncoder(w).Encode(map[string]string{"__type": "com.amazonaws.sqs#" + fault.code, "message": "injected " + fault.code})
		}
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

// senderAsMainWiresIt is the dead-letter sender main makes: the generated SQS client with the
// configuration from the Lambda environment (the SQS endpoint at url) and the function's limits.
func senderAsMainWiresIt(t *testing.T, url string) *deadletter.Sender {
	t.Helper()
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); strings.HasPrefix(k, "AWS_") {
			t.Setenv(k, "")
			os.Unsetenv(k)
		}
	}
	for k, v := range map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "local",
		"AWS_SECRET_ACCESS_KEY": "local", "AWS_ENDPOINT_URL_SQS": url} {
		t.Setenv(k, v)
	}
	cfg, err := awsconfig.FromEnv(limits)
	if err != nil {
		t.Fatal(err)
	}
	return deadletter.NewSender(sqs.NewFromConfig(cfg))
}

// TestDeadLetterSenderThroughFauxqs: the dead-letter sender, on the generated SQS client wired as
// main wires it, puts the message with its reason on the queue; it retries what another attempt
// may fix (throttling, 5xx, a hung attempt) up to the function's MaxAttempts; SQS's refusals are
// not retried, a missing queue is a misconfiguration; an answer whose MD5 of the body is not the
// body's is an error (the client's own check), so the handler keeps the message for a retry.
func TestDeadLetterSenderThroughFauxqs(t *testing.T) {
	throttled := &sqsFault{status: 400, code: "RequestThrottled", queryError: "RequestThrottled;Sender"}
	internal := &sqsFault{status: 500, code: "InternalError", queryError: "InternalError;Receiver"}
	cases := []struct {
		name      string
		faults    []*sqsFault
		attempts  int64
		sent      bool // the call succeeded
		queued    int  // dead letters on the queue after it
		code      string
		misconfig bool
		transient aws.Ternary
	}{
		{"sent", nil, 1, true, 1, "", false, aws.FalseTernary},
		{"throttled, then sent", []*sqsFault{throttled}, 2, true, 1, "", false, aws.FalseTernary},
		{"5xx twice, then sent", []*sqsFault{internal, internal}, 3, true, 1, "", false, aws.FalseTernary},
		{"a hung attempt is abandoned and retried", []*sqsFault{{hang: true}}, 2, true, 1, "", false, aws.FalseTernary},
		{"5xx on every attempt", []*sqsFault{internal, internal, internal}, int64(limits.MaxAttempts), false, 0, "InternalError", false, aws.TrueTernary},
		{"no such queue: a misconfiguration, not retried",
			[]*sqsFault{{status: 400, code: "QueueDoesNotExist", queryError: "AWS.SimpleQueueService.NonExistentQueue;Sender"}},
			1, false, 0, "AWS.SimpleQueueService.NonExistentQueue", true, aws.FalseTernary},
		{"message refused: not retried",
			[]*sqsFault{{status: 400, code: "InvalidMessageContents", queryError: "InvalidMessageContents;Sender"}},
			1, false, 0, "InvalidMessageContents", false, aws.FalseTernary},
		{"body altered on the way: the client's MD5 check fails", []*sqsFault{{badMD5: true}}, 1, false, 1, "", false, aws.UnknownTernary},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			proxy := newFaultySQS(t, tc.faults...)
			sender := senderAsMainWiresIt(t, proxy.url)
			client := sqsClient(t)
			dlq := &deadLetterQueue{t: t, client: client, url: newQueue(t, client, "sender")}
			rec := deadletter.Record{Body: `{"request_id":"job-1"}`, Reason: "status: must be one of …", MessageID: "m-1",
				ReceiveCount: 2, RequestID: "job-1", FailedAt: time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)}
			id, err := sender.Send(context.Background(), deadletter.Build(dlq.url, rec))
			if got := proxy.sends.Load(); got != tc.attempts {
				t.Errorf("%d attempts, want %d", got, tc.attempts)
			}
			if tc.sent != (err == nil) || tc.sent != (id != "") {
				t.Fatalf("Send = %q, %v; want sent %v", id, err, tc.sent)
			}
			got := dlq.all()
			if len(got) != tc.queued {
				t.Fatalf("%d dead letters on the queue, want %d", len(got), tc.queued)
			}
			if tc.sent && (got[0].MessageID != id || got[0].Reason != rec.Reason || got[0].Body != rec.Body || got[0].OriginalMessageID != "m-1") {
				t.Errorf("dead letter %+v, want id %s, reason %q, body %q", got[0], id, rec.Reason, rec.Body)
			}
			if tc.sent {
				return
			}
			var api smithy.APIError
			if tc.code != "" && (!errors.As(err, &api) || api.ErrorCode() != tc.code) {
				t.Errorf("Send: %v, want the SQS error %s", err, tc.code)
			}
			if awserr.Misconfiguration(err) != tc.misconfig || awserr.Transient(err) != tc.transient {
				t.Errorf("Send: %v: misconfiguration %v, transient %v; want %v, %v", err,
					awserr.Misconfiguration(err), awserr.Transient(err), tc.misconfig, tc.transient)
			}
		})
	}
}
