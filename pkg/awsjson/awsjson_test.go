package awsjson_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/trainstatus/trainstatus/pkg/awsconfig"
	"github.com/trainstatus/trainstatus/pkg/awserr"
	"github.com/trainstatus/trainstatus/pkg/awsjson"
)

// fastLimits make three attempts with waits short enough for a test.
var fastLimits = awsconfig.Limits{AttemptTimeout: 5 * time.Second, MaxAttempts: 3, MaxBackoff: time.Millisecond}

// answer is one canned HTTP answer.
type answer struct {
	status  int
	headers map[string]string
	body    string
}

// server answers each request with the next of its answers (the last one again when they run
// out) and records what it received.
type server struct {
	url      string
	mu       sync.Mutex
	answers  []answer
	requests []*http.Request
	bodies   []string
}

func newServer(t *testing.T, answers ...answer) *server {
	t.Helper()
	s := &server{answers: answers}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		a := s.answers[min(len(s.requests), len(s.answers)-1)]
		s.requests = append(s.requests, r)
		s.bodies = append(s.bodies, string(body))
		s.mu.Unlock()
		for k, v := range a.headers {
			w.Header().Set(k, v)
		}
		w.WriteHeader(a.status)
		io.WriteString(w, a.body)
	}))
	t.Cleanup(srv.Close)
	s.url = srv.URL
	return s
}

func (s *server) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.requests)
}

// configFor is a function's configuration (awsconfig.FromEnv) with its endpoint at url.
func configFor(t *testing.T, url string, l awsconfig.Limits) aws.Config {
	t.Helper()
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_SESSION_TOKEN", "session-token")
	t.Setenv("AWS_ENDPOINT_URL", url)
	cfg, err := awsconfig.FromEnv(l)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

var sendMessage = awsjson.Operation{Name: "SendMessage", Target: "AmazonSQS.SendMessage"}

// TestCallSendsASignedRequest: the request has the protocol's method, path and headers, the
// JSON of the input, and a SigV4 signature for the service, region and credentials; the answer
// is decoded into out.
func TestCallSendsASignedRequest(t *testing.T) {
	cases := []struct {
		name        string
		service     awsjson.Service
		op          awsjson.Operation
		path, ctype string
		target      string
		queryMode   string
		scope       string
	}{
		{"AWS JSON 1.0 (SQS)", awsjson.SQS, sendMessage, "/", "application/x-amz-json-1.0", "AmazonSQS.SendMessage", "true", "/eu-west-1/sqs/aws4_request"},
		{"REST-JSON (SES v2)", awsjson.SESv2, awsjson.Operation{Name: "SendEmail", Path: "/v2/email/outbound-emails"},
			"/v2/email/outbound-emails", "application/json", "", "", "/eu-west-1/ses/aws4_request"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, answer{status: 200, body: `{"MessageId":"m-1"}`})
			c, err := awsjson.New(configFor(t, srv.url, fastLimits), tc.service)
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ MessageId string }
			if err := c.Call(context.Background(), tc.op, map[string]string{"QueueUrl": "q", "MessageBody": "b"}, &out); err != nil {
				t.Fatal(err)
			}
			if out.MessageId != "m-1" {
				t.Errorf("decoded MessageId %q, want m-1", out.MessageId)
			}
			r := srv.requests[0]
			auth := r.Header.Get("Authorization")
			checks := []struct{ what, got, want string }{
				{"method", r.Method, http.MethodPost},
				{"path", r.URL.Path, tc.path},
				{"Content-Type", r.Header.Get("Content-Type"), tc.ctype},
				{"X-Amz-Target", r.Header.Get("X-Amz-Target"), tc.target},
				{"X-Amzn-Query-Mode", r.Header.Get("X-Amzn-Query-Mode"), tc.queryMode},
				{"X-Amz-Security-Token", r.Header.Get("X-Amz-Security-Token"), "session-token"},
				{"body", srv.bodies[0], `{"MessageBody":"b","QueueUrl":"q"}`},
			}
			for _, c := range checks {
				if c.got != c.want {
					t.Errorf("%s = %q, want %q", c.what, c.got, c.want)
				}
			}
			if !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/") || !strings.Contains(auth, tc.scope) ||
				!strings.Contains(auth, "SignedHeaders=") || !strings.Contains(auth, "Signature=") {
				t.Errorf("Authorization = %q, want a SigV4 signature with scope %s", auth, tc.scope)
			}
			if r.Header.Get("X-Amz-Date") == "" {
				t.Error("no X-Amz-Date")
			}
		})
	}
}

// TestErrors: each kind of unsuccessful answer becomes the error the generated clients give, is
// retried or not as the SDK's retryer decides, and is classified by pkg/awserr as before.
func TestErrors(t *testing.T) {
	cases := []struct {
		name     string
		service  awsjson.Service
		answer   answer
		code     string
		message  string
		fault    smithy.ErrorFault
		attempts int
		misconf  bool
		transien aws.Ternary
	}{
		{"REST-JSON refusal: header code with a suffix, not retried", awsjson.SESv2,
			answer{400, map[string]string{"X-Amzn-ErrorType": "MessageRejected:http://internal.amazon.com/", "X-Amzn-RequestId": "req-1"},
				`{"message":"Email address is not verified."}`},
			"MessageRejected", "Email address is not verified.", smithy.FaultClient, 1, false, aws.FalseTernary},
		{"AWS JSON: namespaced __type, query-compatible code", awsjson.SQS,
			answer{400, map[string]string{"X-Amzn-Query-Error": "AWS.SimpleQueueService.NonExistentQueue;Sender", "X-Amzn-RequestId": "req-1"},
				`{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"The specified queue does not exist."}`},
			"AWS.SimpleQueueService.NonExistentQueue", "The specified queue does not exist.", smithy.FaultClient, 1, true, aws.FalseTernary},
		{"AWS JSON without the query header: the __type's name", awsjson.SQS,
			answer{400, map[string]string{"X-Amzn-RequestId": "req-1"}, `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","Message":"gone"}`},
			"QueueDoesNotExist", "gone", smithy.FaultClient, 1, true, aws.FalseTernary},
		{"access denied: a misconfiguration", awsjson.SESv2,
			answer{403, map[string]string{"X-Amzn-ErrorType": "AccessDeniedException", "X-Amzn-RequestId": "req-1"}, `{"message":"no"}`},
			"AccessDeniedException", "no", smithy.FaultClient, 1, true, aws.FalseTernary},
		{"a code with a URI suffix holding a #", awsjson.SESv2,
			answer{400, map[string]string{"X-Amzn-ErrorType": "BadRequestException:http://internal.example/#fragment", "X-Amzn-RequestId": "req-1"}, `{"message":"bad"}`},
			"BadRequestException", "bad", smithy.FaultClient, 1, false, aws.FalseTernary},
		{"throttled: retried", awsjson.SESv2,
			answer{429, map[string]string{"X-Amzn-ErrorType": "TooManyRequestsException", "X-Amzn-RequestId": "req-1"}, `{"message":"slow down"}`},
			"TooManyRequestsException", "slow down", smithy.FaultClient, 3, false, aws.TrueTernary},
		{"500 with no body: retried", awsjson.SQS,
			answer{500, map[string]string{"X-Amzn-RequestId": "req-1"}, ``},
			"UnknownError", "Internal Server Error", smithy.FaultServer, 3, false, aws.TrueTernary},
		{"502 from a proxy, not JSON: retried", awsjson.SESv2,
			answer{502, map[string]string{"X-Amzn-RequestId": "req-1"}, `<html>Bad Gateway</html>`},
			"UnknownError", "<html>Bad Gateway</html>", smithy.FaultServer, 3, false, aws.TrueTernary},
		{"query header's Receiver fault", awsjson.SQS,
			answer{503, map[string]string{"X-Amzn-Query-Error": "AWS.SimpleQueueService.ServiceUnavailable;Receiver", "X-Amzn-RequestId": "req-1"}, `{"__type":"com.amazonaws.sqs#ServiceUnavailable"}`},
			"AWS.SimpleQueueService.ServiceUnavailable", "Service Unavailable", smithy.FaultServer, 3, false, aws.TrueTernary},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, tc.answer)
			c, err := awsjson.New(configFor(t, srv.url, fastLimits), tc.service)
			if err != nil {
				t.Fatal(err)
			}
			err = c.Call(context.Background(), sendMessage, map[string]string{}, nil)
			var op *smithy.OperationError
			var api smithy.APIError
			var resp *awshttp.ResponseError
			if !errors.As(err, &op) || op.Service() != tc.service.ID || op.Operation() != "SendMessage" {
				t.Fatalf("err = %v, want an OperationError of %s SendMessage", err, tc.service.ID)
			}
			if !errors.As(err, &api) || api.ErrorCode() != tc.code || api.ErrorMessage() != tc.message || api.ErrorFault() != tc.fault {
				t.Fatalf("err = %v; want code %q message %q fault %v", err, tc.code, tc.message, tc.fault)
			}
			if !errors.As(err, &resp) || resp.HTTPStatusCode() != tc.answer.status || resp.ServiceRequestID() != "req-1" {
				t.Fatalf("err = %v; want a ResponseError of status %d and request id req-1", err, tc.answer.status)
			}
			var exhausted *retry.MaxAttemptsError
			if got := srv.count(); got != tc.attempts || errors.As(err, &exhausted) != (tc.attempts > 1) {
				t.Errorf("%d attempts (MaxAttemptsError %v), want %d", got, errors.As(err, &exhausted), tc.attempts)
			}
			if got := awserr.Misconfiguration(err); got != tc.misconf {
				t.Errorf("awserr.Misconfiguration = %v, want %v", got, tc.misconf)
			}
			if got := awserr.Transient(err); got != tc.transien {
				t.Errorf("awserr.Transient = %v, want %v", got, tc.transien)
			}
		})
	}
}

// TestRetriesUntilSuccess: a failure another attempt can fix is retried, and the call succeeds
// with the answer of the attempt that did.
func TestRetriesUntilSuccess(t *testing.T) {
	srv := newServer(t,
		answer{503, nil, `{"__type":"ServiceUnavailable"}`},
		answer{429, map[string]string{"X-Amzn-ErrorType": "ThrottlingException"}, `{}`},
		answer{200, nil, `{"MessageId":"third"}`})
	c, err := awsjson.New(configFor(t, srv.url, fastLimits), awsjson.SQS)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ MessageId string }
	if err := c.Call(context.Background(), sendMessage, map[string]string{"MessageBody": "b"}, &out); err != nil {
		t.Fatal(err)
	}
	if out.MessageId != "third" || srv.count() != 3 {
		t.Fatalf("MessageId %q after %d attempts, want third after 3", out.MessageId, srv.count())
	}
	for i, b := range srv.bodies {
		if b != `{"MessageBody":"b"}` {
			t.Errorf("attempt %d sent %q", i+1, b)
		}
	}
}

// TestConnectionFailuresAreRetried: a refused connection is a RequestSendError, retried up to
// MaxAttempts; a cancelled context stops at once.
func TestConnectionFailuresAreRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close() // nothing listens there now: every connection is refused
	c, err := awsjson.New(configFor(t, "http://"+addr, fastLimits), awsjson.SQS)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Call(context.Background(), sendMessage, map[string]string{}, nil)
	var send *smithyhttp.RequestSendError
	var exhausted *retry.MaxAttemptsError
	if !errors.As(err, &send) || !errors.As(err, &exhausted) || exhausted.Attempt != 3 {
		t.Fatalf("err = %v, want a RequestSendError after 3 attempts", err)
	}
	if awserr.Transient(err) != aws.TrueTernary {
		t.Errorf("awserr.Transient = %v, want true", awserr.Transient(err))
	}
	var resp *awshttp.ResponseError
	if !errors.As(err, &resp) || resp.HTTPStatusCode() != 0 {
		t.Errorf("err = %v, want a ResponseError of status 0 around the send error, as the SDK gives", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := c.Call(ctx, sendMessage, map[string]string{}, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled call: err = %v, want context.Canceled", err)
	}
}

// TestRetryQuota: with a client-side retry budget, a spent budget stops the retries, and the error
// still says which answer failed (the SDK's own middleware returns only the quota error).
func TestRetryQuota(t *testing.T) {
	srv := newServer(t, answer{500, map[string]string{"X-Amzn-RequestId": "req-1"}, `{"__type":"InternalError"}`})
	limits := fastLimits
	limits.RetryQuota = 5 // less than one retry (5 tokens per timeout/throttle, 10 otherwise)
	c, err := awsjson.New(configFor(t, srv.url, limits), awsjson.SQS)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Call(context.Background(), sendMessage, map[string]string{}, nil)
	var api smithy.APIError
	if err == nil || !strings.Contains(err.Error(), "retry quota exceeded") || !errors.As(err, &api) || api.ErrorCode() != "InternalError" {
		t.Fatalf("err = %v, want the quota error wrapping InternalError", err)
	}
	if srv.count() != 1 {
		t.Errorf("%d attempts, want 1", srv.count())
	}
}

// TestAnswersThatCannotBeRead: a success whose body is not the JSON expected, or larger than
// MaxResponseBytes, is a DeserializationError carrying the answer's status.
func TestAnswersThatCannotBeRead(t *testing.T) {
	cases := []struct{ name, body string }{
		{"not JSON", `<xml/>`},
		{"wrong shape", `{"MessageId":42}`},
		{"too large", `{"MessageId":"` + strings.Repeat("x", awsjson.MaxResponseBytes) + `"}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, answer{200, nil, tc.body})
			c, err := awsjson.New(configFor(t, srv.url, fastLimits), awsjson.SQS)
			if err != nil {
				t.Fatal(err)
			}
			var out struct{ MessageId string }
			err = c.Call(context.Background(), sendMessage, map[string]string{}, &out)
			var de *smithy.DeserializationError
			var resp *awshttp.ResponseError
			if !errors.As(err, &de) || !errors.As(err, &resp) || resp.HTTPStatusCode() != 200 {
				t.Fatalf("err = %v, want a DeserializationError of a 200 answer", err)
			}
		})
	}
}

// TestEndpoint: the service's own endpoint variable, then AWS_ENDPOINT_URL, then the regional
// endpoint; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS ignores both variables; unusable settings are
// ErrConfig.
func TestEndpoint(t *testing.T) {
	cases := []struct {
		name    string
		service awsjson.Service
		env     map[string]string
		want    string
		wantErr error
	}{
		{"regional SQS", awsjson.SQS, nil, "https://sqs.eu-west-1.amazonaws.com", nil},
		{"regional SES v2", awsjson.SESv2, nil, "https://email.eu-west-1.amazonaws.com", nil},
		{"China", awsjson.SESv2, map[string]string{"AWS_REGION": "cn-north-1"}, "https://email.cn-north-1.amazonaws.com.cn", nil},
		{"AWS_ENDPOINT_URL", awsjson.SQS, map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9324/"}, "http://127.0.0.1:9324", nil},
		{"the service's own wins", awsjson.SESv2, map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:8005"}, "http://127.0.0.1:8005", nil},
		{"another service's is not used", awsjson.SQS, map[string]string{"AWS_ENDPOINT_URL_SESV2": "http://127.0.0.1:8005"}, "https://sqs.eu-west-1.amazonaws.com", nil},
		{"ignored", awsjson.SQS, map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1", "AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:2", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true"}, "https://sqs.eu-west-1.amazonaws.com", nil},
		{"European Sovereign Cloud", awsjson.SQS, map[string]string{"AWS_REGION": "eusc-de-east-1"}, "https://sqs.eusc-de-east-1.amazonaws.eu", nil},
		{"ISO-F", awsjson.SQS, map[string]string{"AWS_REGION": "us-isof-south-1"}, "https://sqs.us-isof-south-1.csp.hci.ic.gov", nil},
		{"a FIPS pseudo-region is refused, not resolved to a non-FIPS host", awsjson.SQS, map[string]string{"AWS_REGION": "fips-us-east-1"}, "", awsjson.ErrConfig},
		{"not a URL", awsjson.SQS, map[string]string{"AWS_ENDPOINT_URL_SQS": "127.0.0.1:9324"}, "", awsjson.ErrConfig},
		{"region not a host label", awsjson.SQS, map[string]string{"AWS_REGION": "eu-west-1.evil.com/x"}, "", awsjson.ErrConfig},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s",
				"AWS_ENDPOINT_URL": "", "AWS_ENDPOINT_URL_SQS": "", "AWS_ENDPOINT_URL_SESV2": "", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": ""}
			for k, v := range tc.env {
				env[k] = v
			}
			for k, v := range env {
				t.Setenv(k, v)
			}
			cfg, err := awsconfig.FromEnv(fastLimits)
			if err != nil {
				t.Fatal(err)
			}
			c, err := awsjson.New(cfg, tc.service)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if c.Endpoint() != tc.want {
				t.Fatalf("endpoint %q, want %q", c.Endpoint(), tc.want)
			}
		})
	}
}

// TestAttemptTimeout: a hung answer is abandoned after the configuration's attempt timeout and
// retried, instead of holding the call until its context ends.
func TestAttemptTimeout(t *testing.T) {
	var calls atomic.Int64
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) == 1 {
			select { // the first attempt hangs until the client gives up on it
			case <-r.Context().Done():
			case <-release:
			}
			return
		}
		io.WriteString(w, `{"MessageId":"second"}`)
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	limits := fastLimits
	limits.AttemptTimeout = 200 * time.Millisecond
	c, err := awsjson.New(configFor(t, srv.URL, limits), awsjson.SQS)
	if err != nil {
		t.Fatal(err)
	}
	var out struct{ MessageId string }
	if err := c.Call(context.Background(), sendMessage, map[string]string{}, &out); err != nil {
		t.Fatal(err)
	}
	if out.MessageId != "second" || calls.Load() != 2 {
		t.Fatalf("MessageId %q after %d attempts, want second after 2", out.MessageId, calls.Load())
	}
}

// TestCallerCancellation: the caller's deadline during an attempt or during the wait before a
// retry ends the call at once, with the SDK's cancellation errors: not retried, not "transient".
func TestCallerCancellation(t *testing.T) {
	t.Run("during an attempt", func(t *testing.T) {
		var calls atomic.Int64
		release := make(chan struct{})
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls.Add(1)
			io.Copy(io.Discard, r.Body)
			select { // never answers while the test runs
			case <-r.Context().Done():
			case <-release:
			}
		}))
		t.Cleanup(srv.Close)
		t.Cleanup(func() { close(release) }) // runs first
		c, err := awsjson.New(configFor(t, srv.URL, fastLimits), awsjson.SQS)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err = c.Call(ctx, sendMessage, map[string]string{}, nil)
		var canceled *smithy.CanceledError
		if !errors.As(err, &canceled) || !errors.Is(err, context.DeadlineExceeded) || calls.Load() != 1 {
			t.Fatalf("err = %v after %d attempts, want a CanceledError of the deadline after 1", err, calls.Load())
		}
		if awserr.Transient(err) == aws.TrueTernary {
			t.Error("the caller's deadline is classified as transient")
		}
	})
	t.Run("during the wait before a retry", func(t *testing.T) {
		srv := newServer(t, answer{503, nil, `{}`})
		cfg := configFor(t, srv.url, fastLimits)
		cfg.Retryer = func() aws.Retryer { // a wait that outlasts the caller's deadline
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return time.Hour, nil })
			})
		}
		c, err := awsjson.New(cfg, awsjson.SQS)
		if err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
		defer cancel()
		err = c.Call(ctx, sendMessage, map[string]string{}, nil)
		var canceled *aws.RequestCanceledError
		if !errors.As(err, &canceled) || !errors.Is(err, context.DeadlineExceeded) || srv.count() != 1 {
			t.Fatalf("err = %v after %d attempts, want a RequestCanceledError after 1", err, srv.count())
		}
	})
}

// source is a configuration source such as a shared config file: it may name a service's
// endpoint, know AWS_IGNORE_CONFIGURED_ENDPOINT_URLS, or fail.
type source struct {
	endpoints      map[string]string
	ignore, hasIgn bool
	err            error
}

func (s source) GetServiceBaseEndpoint(_ context.Context, id string) (string, bool, error) {
	v, ok := s.endpoints[id]
	return v, ok, s.err
}

func (s source) GetIgnoreConfiguredEndpoints(context.Context) (bool, bool, error) {
	return s.ignore, s.hasIgn, nil
}

// TestEndpointPrecedence: with configuration sources other than the environment, the order is
// the generated clients' (their resolveBaseEndpoint and configsources).
func TestEndpointPrecedence(t *testing.T) {
	shared := source{endpoints: map[string]string{"SQS": "http://127.0.0.1:7000"}}
	cases := []struct {
		name    string
		env     map[string]string
		base    string
		sources []any
		want    string
	}{
		{"a source's service endpoint", nil, "", []any{shared}, "http://127.0.0.1:7000"},
		{"AWS_ENDPOINT_URL beats a source's service endpoint", map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:1"}, "http://127.0.0.1:1", []any{shared}, "http://127.0.0.1:1"},
		{"the first source that knows the ignore setting decides", nil, "", []any{source{hasIgn: true}, source{ignore: true, hasIgn: true}, shared}, "http://127.0.0.1:7000"},
		{"ignored", nil, "", []any{source{ignore: true, hasIgn: true}, shared}, "https://sqs.eu-west-1.amazonaws.com"},
		{"a failing source is passed over", nil, "", []any{source{err: errors.New("unreadable")}, shared}, "http://127.0.0.1:7000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_ENDPOINT_URL_SQS", "")
			os.Unsetenv("AWS_ENDPOINT_URL_SQS")
			t.Setenv("AWS_ENDPOINT_URL", "")
			os.Unsetenv("AWS_ENDPOINT_URL")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg := aws.Config{Region: "eu-west-1", ConfigSources: tc.sources,
				Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
					return aws.Credentials{AccessKeyID: "a", SecretAccessKey: "s"}, nil
				})}
			if tc.base != "" {
				cfg.BaseEndpoint = aws.String(tc.base)
			}
			c, err := awsjson.New(cfg, awsjson.SQS)
			if err != nil {
				t.Fatal(err)
			}
			if c.Endpoint() != tc.want {
				t.Fatalf("endpoint %q, want %q", c.Endpoint(), tc.want)
			}
		})
	}
}

// TestTraceHeader: inside Lambda, the invocation's trace id goes out as X-Amzn-Trace-Id,
// percent-encoded as the SDK encodes it; outside Lambda there is none.
func TestTraceHeader(t *testing.T) {
	cases := []struct {
		name, function, trace, want string
	}{
		{"in Lambda", "status-updater", "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
			"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"},
		{"characters the SDK encodes", "status-updater", "Root=1 2/é", "Root=1%202%2F%C3%A9"},
		{"outside Lambda", "", "Root=1-5759e988-bd862e3fe1be46a994272793", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			srv := newServer(t, answer{200, nil, `{}`})
			cfg := configFor(t, srv.url, fastLimits)
			t.Setenv("_X_AMZN_TRACE_ID", tc.trace)
			t.Setenv("AWS_LAMBDA_FUNCTION_NAME", tc.function)
			if tc.function == "" {
				os.Unsetenv("AWS_LAMBDA_FUNCTION_NAME")
			}
			c, err := awsjson.New(cfg, awsjson.SQS)
			if err != nil {
				t.Fatal(err)
			}
			if err := c.Call(context.Background(), sendMessage, map[string]string{}, nil); err != nil {
				t.Fatal(err)
			}
			if got := srv.requests[0].Header.Get("X-Amzn-Trace-Id"); got != tc.want {
				t.Fatalf("X-Amzn-Trace-Id = %q, want %q", got, tc.want)
			}
		})
	}
}
