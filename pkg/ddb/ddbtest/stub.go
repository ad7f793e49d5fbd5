package ddbtest

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Stub is an in-process DynamoDB endpoint for benchmarks and call counting: an http.RoundTripper
// that answers each operation with a fixed JSON body, without a socket, so that what is measured
// is the client side (building, signing, marshalling) and not the network.
type Stub struct {
	mu        sync.RWMutex
	responses map[string]stubResponse
	calls     sync.Map // operation -> *atomic.Int64
	// Delay, if set, is added to every call: an injected round trip.
	Delay time.Duration
}

type stubResponse struct {
	status int
	body   []byte
}

// NewStub returns a stub that answers every operation with "{}".
func NewStub() *Stub { return &Stub{responses: map[string]stubResponse{}} }

// Respond sets the answer to an operation ("GetItem", "UpdateItem", ...): an HTTP status and a
// JSON body in DynamoDB's wire format.
func (s *Stub) Respond(operation string, status int, body string) *Stub {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.responses[operation] = stubResponse{status: status, body: []byte(body)}
	return s
}

// Calls returns how many times the operation was called.
func (s *Stub) Calls(operation string) int64 {
	if c, ok := s.calls.Load(operation); ok {
		return c.(*atomic.Int64).Load()
	}
	return 0
}

// RoundTrip implements http.RoundTripper.
func (s *Stub) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		_, _ = io.Copy(io.Discard, req.Body)
		req.Body.Close()
	}
	_, op, _ := strings.Cut(req.Header.Get("X-Amz-Target"), ".")
	c, _ := s.calls.LoadOrStore(op, new(atomic.Int64))
	c.(*atomic.Int64).Add(1)
	if s.Delay > 0 {
		select {
		case <-time.After(s.Delay):
		case <-req.Context().Done():
			return nil, req.Context().Err()
		}
	}
	s.mu.RLock()
	r, ok := s.responses[op]
	s.mu.RUnlock()
	if !ok {
		r = stubResponse{status: 200, body: []byte("{}")}
	}
	return &http.Response{
		StatusCode:    r.status,
		Header:        http.Header{"Content-Type": {"application/x-amz-json-1.0"}},
		Body:          io.NopCloser(bytes.NewReader(r.body)),
		ContentLength: int64(len(r.body)),
		Request:       req,
	}, nil
}

// Client returns a DynamoDB client whose every call is answered by the stub.
func (s *Stub) Client() *dynamodb.Client {
	return dynamodb.New(dynamodb.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String("http://stub.invalid"),
		Credentials:  credentials.NewStaticCredentialsProvider("local", "local", ""),
		HTTPClient:   &http.Client{Transport: s},
	})
}

// DelayTransport adds a fixed delay to every request of an underlying transport: an injected
// network round trip in front of DynamoDB Local.
type DelayTransport struct {
	Base  http.RoundTripper
	Delay time.Duration
}

// RoundTrip implements http.RoundTripper.
func (d DelayTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	select {
	case <-time.After(d.Delay):
	case <-req.Context().Done():
		return nil, req.Context().Err()
	}
	base := d.Base
	if base == nil {
		base = http.DefaultTransport
	}
	return base.RoundTrip(req)
}
