package awserr

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
)

// answer is one canned HTTP answer of a service.
type answer struct {
	status  int
	headers map[string]string
	body    string
}

// serve answers every request with a and counts them.
func serve(t *testing.T, a answer) (string, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		io.Copy(io.Discard, r.Body)
		for k, v := range a.headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL, &n
}

// clientConfig is a client's configuration with three quick attempts, the way the functions
// bound theirs (pkg/awsconfig.Limits, which imports nothing of this package).
func clientConfig(url string) aws.Config {
	return aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String(url),
		Credentials: credentials.NewStaticCredentialsProvider("AKID", "secret", ""),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) { o.MaxAttempts = 3; o.MaxBackoff = time.Millisecond })
		}}
}

// call makes the one call each function makes to a second service, with the generated client.
var call = map[string]func(url string) error{
	"SQS": func(url string) error {
		_, err := sqs.NewFromConfig(clientConfig(url)).SendMessage(context.Background(),
			&sqs.SendMessageInput{QueueUrl: aws.String(url + "/1/q"), MessageBody: aws.String("b")})
		return err
	},
	"SESv2": func(url string) error {
		_, err := sesv2.NewFromConfig(clientConfig(url)).SendEmail(context.Background(), &sesv2.SendEmailInput{
			Content: &types.EmailContent{Simple: &types.Message{Subject: &types.Content{Data: aws.String("s")},
				Body: &types.Body{Text: &types.Content{Data: aws.String("b")}}}}})
		return err
	},
}

// TestClassifiesTheGeneratedClientsErrors: each kind of unsuccessful answer, as the generated SQS
// (AWS JSON 1.0, query-compatible) and SES v2 (REST-JSON) clients report it, is classified as the
// functions need: retried by the client or not, transient or not, a misconfiguration or not.
func TestClassifiesTheGeneratedClientsErrors(t *testing.T) {
	cases := []struct {
		name      string
		service   string
		answer    answer
		code      string
		attempts  int64
		misconf   bool
		transient aws.Ternary
	}{
		{"SES refuses the message: header code with a suffix", "SESv2",
			answer{400, map[string]string{"X-Amzn-ErrorType": "MessageRejected:http://internal.amazon.com/"}, `{"message":"Email address is not verified."}`},
			"MessageRejected", 1, false, aws.FalseTernary},
		{"SES access denied: a misconfiguration", "SESv2",
			answer{403, map[string]string{"X-Amzn-ErrorType": "AccessDeniedException"}, `{"message":"no"}`},
			"AccessDeniedException", 1, true, aws.FalseTernary},
		{"SES throttles: retried", "SESv2",
			answer{429, map[string]string{"X-Amzn-ErrorType": "TooManyRequestsException"}, `{"message":"slow down"}`},
			"TooManyRequestsException", 3, false, aws.TrueTernary},
		{"SES 502 from a proxy, not JSON: retried", "SESv2",
			answer{502, nil, `<html>Bad Gateway</html>`}, "", 3, false, aws.TrueTernary},
		{"SQS no queue, query-compatible code", "SQS",
			answer{400, map[string]string{"X-Amzn-Query-Error": "AWS.SimpleQueueService.NonExistentQueue;Sender", "Content-Type": "application/x-amz-json-1.0"},
				`{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`},
			"AWS.SimpleQueueService.NonExistentQueue", 1, true, aws.FalseTernary},
		{"SQS no queue, without the query header", "SQS",
			answer{400, map[string]string{"Content-Type": "application/x-amz-json-1.0"}, `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"gone"}`},
			"QueueDoesNotExist", 1, true, aws.FalseTernary},
		{"SQS KMS access denied", "SQS",
			answer{400, map[string]string{"X-Amzn-Query-Error": "KMS.AccessDeniedException;Sender", "Content-Type": "application/x-amz-json-1.0"},
				`{"__type":"com.amazonaws.sqs#KmsAccessDenied"}`},
			"KMS.AccessDeniedException", 1, true, aws.FalseTernary},
		{"SQS throttles: retried", "SQS",
			answer{400, map[string]string{"X-Amzn-Query-Error": "RequestThrottled;Sender", "Content-Type": "application/x-amz-json-1.0"},
				`{"__type":"com.amazonaws.sqs#RequestThrottled"}`},
			"RequestThrottled", 3, false, aws.TrueTernary},
		{"SQS 500 without a body: retried", "SQS", answer{500, nil, ``}, "", 3, false, aws.TrueTernary},
		{"SQS Receiver fault: retried", "SQS",
			answer{503, map[string]string{"X-Amzn-Query-Error": "AWS.SimpleQueueService.ServiceUnavailable;Receiver", "Content-Type": "application/x-amz-json-1.0"},
				`{"__type":"com.amazonaws.sqs#ServiceUnavailable"}`},
			"AWS.SimpleQueueService.ServiceUnavailable", 3, false, aws.TrueTernary},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			url, n := serve(t, tc.answer)
			err := call[tc.service](url)
			var api smithy.APIError
			if tc.code != "" && (!errors.As(err, &api) || api.ErrorCode() != tc.code) {
				t.Errorf("err = %v, want the code %s", err, tc.code)
			}
			if n.Load() != tc.attempts {
				t.Errorf("%d attempts, want %d", n.Load(), tc.attempts)
			}
			if got := Misconfiguration(err); got != tc.misconf {
				t.Errorf("Misconfiguration(%v) = %v, want %v", err, got, tc.misconf)
			}
			if got := Transient(err); got != tc.transient {
				t.Errorf("Transient(%v) = %v, want %v", err, got, tc.transient)
			}
		})
	}
}

// TestClassifiesConnectionFailures: a refused connection is retried by the generated clients and
// transient; the caller's own cancellation is not retried and not transient.
func TestClassifiesConnectionFailures(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + l.Addr().String()
	l.Close() // nothing listens there now: every connection is refused
	for service, call := range call {
		t.Run(service, func(t *testing.T) {
			err := call(dead)
			var exhausted *retry.MaxAttemptsError
			if !errors.As(err, &exhausted) || exhausted.Attempt != 3 || Transient(err) != aws.TrueTernary || Misconfiguration(err) {
				t.Errorf("err = %v: want 3 attempts, transient, not a misconfiguration", err)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = sqs.NewFromConfig(clientConfig(dead)).SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(dead), MessageBody: aws.String("b")})
	if !errors.Is(err, context.Canceled) || Transient(err) == aws.TrueTernary {
		t.Errorf("cancelled: err = %v (transient %v), want context.Canceled, not transient", err, Transient(err))
	}
}
