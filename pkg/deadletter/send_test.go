package deadletter

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// captured is what a capture server received.
type captured struct {
	path    string
	headers http.Header
	body    map[string]any
}

// captureServer records each request and answers it with answer's body.
func captureServer(t *testing.T, answer func(body map[string]any) string) (string, *[]captured) {
	t.Helper()
	var got []captured
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		var body map[string]any
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Errorf("request body is not JSON: %v", err)
		}
		got = append(got, captured{path: r.URL.Path, headers: r.Header.Clone(), body: body})
		w.Header().Set("Content-Type", "application/x-amz-json-1.0")
		io.WriteString(w, answer(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &got
}

func config(url string) aws.Config {
	return aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", "")}
}

// TestSendIsTheSDKRequest: for a standard and a FIFO queue, Sender sends the request the
// generated SQS client sends for the same message: target, content type, query mode, trace
// header and JSON body.
func TestSendIsTheSDKRequest(t *testing.T) {
	failedAt := time.Date(2026, 11, 24, 10, 0, 5, 0, time.UTC)
	rec := Record{Body: `{"request_id":"job-1","status":"RUNNING"}`, Reason: "status: must be one of …",
		MessageID: "orig-1", ReceiveCount: 3, RequestID: "job-1", FailedAt: failedAt}
	for _, queue := range []string{"https://sqs.us-east-1.amazonaws.com/1/dlq", "https://sqs.us-east-1.amazonaws.com/1/dlq.fifo"} {
		t.Run(queue, func(t *testing.T) {
			// Inside Lambda both send the invocation's trace id (the SDK's recursion detection).
			t.Setenv("AWS_LAMBDA_FUNCTION_NAME", "status-updater")
			t.Setenv("_X_AMZN_TRACE_ID", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1 é")
			m := Build(queue, rec)
			url, got := captureServer(t, func(map[string]any) string { return sqsAnswer(m) })

			sender, err := NewSender(config(url))
			if err != nil {
				t.Fatal(err)
			}
			id, err := sender.Send(context.Background(), m)
			if err != nil || id != "dlq-1" {
				t.Fatalf("Send = %q, %v; want dlq-1", id, err)
			}
			if _, err := sqs.NewFromConfig(config(url)).SendMessage(context.Background(), sdkInput(m)); err != nil {
				t.Fatalf("the SDK's SendMessage: %v", err)
			}
			ours, sdk := (*got)[0], (*got)[1]
			for _, h := range []string{"X-Amz-Target", "Content-Type", "X-Amzn-Query-Mode", "X-Amzn-Trace-Id"} {
				if ours.headers.Get(h) != sdk.headers.Get(h) {
					t.Errorf("%s = %q, the SDK sends %q", h, ours.headers.Get(h), sdk.headers.Get(h))
				}
			}
			if ours.headers.Get("X-Amzn-Trace-Id") == "" {
				t.Error("no X-Amzn-Trace-Id inside Lambda")
			}
			if ours.path != sdk.path || !reflect.DeepEqual(ours.body, sdk.body) {
				t.Errorf("request %s %v\nthe SDK's %s %v", ours.path, ours.body, sdk.path, sdk.body)
			}
		})
	}
}

// TestSendChecksSQSDigests: an answer whose MD5 of the body or of the attributes is not the one
// of the message sent is ErrChecksum (the caller then keeps the message for a retry). The
// generated client checks the body's digest only, and refuses the same answers there; the
// attributes' digest is checked as SQS documents it, and fauxqs, which computes it on its own,
// agrees on every dead letter of the status-updater's tests.
func TestSendChecksSQSDigests(t *testing.T) {
	m := Build("https://sqs.us-east-1.amazonaws.com/1/dlq", Record{Body: "b", Reason: "r", FailedAt: time.Now()})
	cases := []struct {
		name       string
		corrupt    func(map[string]any)
		want       error
		sdkRefuses bool
	}{
		{"both right", func(map[string]any) {}, nil, false},
		{"body digest wrong", func(a map[string]any) { a["MD5OfMessageBody"] = "00000000000000000000000000000000" }, ErrChecksum, true},
		{"attributes digest wrong", func(a map[string]any) { a["MD5OfMessageAttributes"] = "x" }, ErrChecksum, false},
		{"attributes digest missing", func(a map[string]any) { delete(a, "MD5OfMessageAttributes") }, ErrChecksum, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url, _ := captureServer(t, func(map[string]any) string {
				var a map[string]any
				json.Unmarshal([]byte(sqsAnswer(m)), &a)
				tc.corrupt(a)
				out, _ := json.Marshal(a)
				return string(out)
			})
			sender, err := NewSender(config(url))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := sender.Send(context.Background(), m); !errors.Is(err, tc.want) {
				t.Fatalf("Send: %v, want %v", err, tc.want)
			}
			_, sdkErr := sqs.NewFromConfig(config(url)).SendMessage(context.Background(), sdkInput(m))
			if (sdkErr != nil) != tc.sdkRefuses {
				t.Fatalf("the SDK's SendMessage: %v, want refused %v", sdkErr, tc.sdkRefuses)
			}
		})
	}
}

// sqsAnswer is SQS's answer to sending m, with the digests of this package's checksum.go. The
// generated client validates the digests of its answers, so its accepting them (in
// TestSendIsTheSDKRequest) shows that they are computed as SQS computes them.
func sqsAnswer(m Outgoing) string {
	out, _ := json.Marshal(map[string]string{"MessageId": "dlq-1", "MD5OfMessageBody": bodyMD5(m.Body),
		"MD5OfMessageAttributes": attributesMD5(m.Attributes)})
	return string(out)
}

func sdkInput(m Outgoing) *sqs.SendMessageInput {
	in := &sqs.SendMessageInput{QueueUrl: aws.String(m.QueueURL), MessageBody: aws.String(m.Body),
		MessageAttributes: map[string]types.MessageAttributeValue{}}
	for name, a := range m.Attributes {
		in.MessageAttributes[name] = types.MessageAttributeValue{DataType: aws.String(a.DataType), StringValue: aws.String(a.StringValue)}
	}
	if m.GroupID != "" {
		in.MessageGroupId, in.MessageDeduplicationId = aws.String(m.GroupID), aws.String(m.DeduplicationID)
	}
	return in
}
