package e2e

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fault is how the proxy fails a request.
type fault int

const (
	throttle fault = iota + 1 // HTTP 400 ProvisionedThroughputExceededException, as DynamoDB throttles
	cut                       // the connection is closed with no answer at all
)

// faultProxy stands between the stack and DynamoDB Local: the stack's functions are given its
// address as their DynamoDB endpoint. Until Lift, every write (UpdateItem) that names one of the
// faulted request ids fails the way its fault says; everything else passes through unchanged.
type faultProxy struct {
	URL  string // http://127.0.0.1:<port>
	Addr string

	mu     sync.Mutex
	faults map[string]fault // request id -> fault, until Lift
	failed map[string]int   // request id -> writes failed
	lifted atomic.Bool
	// marks are status-notifier's notified_at writes still to fail, by request id, whether or
	// not the other faults are lifted; marksFailed counts them.
	marks       map[string]int
	marksFailed map[string]int
	// userWritesFailing fails every UpdateItem whose body holds it (a user's email: user-signup's write),
	// until AllowUserWrites; userWritesFailed counts them.
	userWritesFailing atomic.Pointer[string]
	userWritesFailed  atomic.Int64

	srv *http.Server
}

// startFaultProxy proxies to the DynamoDB endpoint upstream; it is closed at the end of the test.
func startFaultProxy(t testing.TB, upstream string, faults map[string]fault) *faultProxy {
	t.Helper()
	target, err := url.Parse(upstream)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &faultProxy{URL: "http://" + l.Addr().String(), Addr: l.Addr().String(), faults: faults, failed: map[string]int{},
		marks: map[string]int{}, marksFailed: map[string]int{}}
	rp := httputil.NewSingleHostReverseProxy(target)
	p.srv = &http.Server{Handler: p.handler(rp), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = p.srv.Serve(l) }()
	return p
}

// Close stops the proxy.
func (p *faultProxy) Close() { _ = p.srv.Close() }

// Lift ends every fault: from now on, every request passes.
func (p *faultProxy) Lift() { p.lifted.Store(true) }

// Failed returns how many writes of request id failed.
func (p *faultProxy) Failed(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.failed[id]
}

// markAttempts is how many attempts one notified_at write makes (status-notifier's SDK retries):
// failing that many fails one delivery, as if the function had crashed after sending the email and
// before marking the job.
const markAttempts = 3

// FailMarkOnce makes status-notifier's notified_at write for request id fail in one delivery (each
// of its markAttempts attempts gets a 500).
func (p *faultProxy) FailMarkOnce(id string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.marks[id] = markAttempts
}

// MarksFailed returns how many notified_at writes of request id failed.
func (p *faultProxy) MarksFailed(id string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.marksFailed[id]
}

// failMark answers a notified_at write that FailMarkOnce chose, once.
func (p *faultProxy) failMark(w http.ResponseWriter, body []byte) bool {
	if !bytes.Contains(body, []byte(`"notified_at"`)) {
		return false
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, left := range p.marks {
		if left > 0 && bytes.Contains(body, []byte(`{"S":"`+id+`"}`)) {
			p.marks[id]--
			p.marksFailed[id]++
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected by the e2e test"}`)
			return true
		}
	}
	return false
}

// FailUserWritesContaining makes every UpdateItem whose body holds s fail with a 500 until AllowUserWrites.
func (p *faultProxy) FailUserWritesContaining(s string) { p.userWritesFailing.Store(&s) }

// AllowUserWrites ends FailUserWritesContaining.
func (p *faultProxy) AllowUserWrites() { p.userWritesFailing.Store(nil) }

// failUserWrite answers an UpdateItem that FailUserWritesContaining chose.
func (p *faultProxy) failUserWrite(w http.ResponseWriter, r *http.Request) bool {
	s := p.userWritesFailing.Load()
	if s == nil || r.Header.Get("X-Amz-Target") != "DynamoDB_20120810.UpdateItem" {
		return false
	}
	body, err := io.ReadAll(r.Body)
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err != nil || !bytes.Contains(body, []byte(*s)) {
		return false
	}
	p.userWritesFailed.Add(1)
	w.Header().Set("Content-Type", "application/x-amz-json-1.0")
	w.WriteHeader(http.StatusInternalServerError)
	_, _ = io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#InternalServerError","message":"injected by the e2e test"}`)
	return true
}

func (p *faultProxy) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.failUserWrite(w, r) {
			return
		}
		if r.Header.Get("X-Amz-Target") != "DynamoDB_20120810.UpdateItem" {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if p.failMark(w, body) {
			return
		}
		if p.lifted.Load() {
			next.ServeHTTP(w, r)
			return
		}
		id, f := p.match(body)
		switch f {
		case throttle:
			w.Header().Set("Content-Type", "application/x-amz-json-1.0")
			w.WriteHeader(http.StatusBadRequest)
			_, _ = io.WriteString(w, `{"__type":"com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException",`+
				`"message":"The level of configured provisioned throughput for the table was exceeded (injected by the e2e test)"}`)
		case cut:
			if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
				_ = conn.Close()
			}
		default:
			next.ServeHTTP(w, r)
			return
		}
		p.mu.Lock()
		p.failed[id]++
		p.mu.Unlock()
	})
}

// match finds the faulted request id a write names, if any. An UpdateItem's body names its key as
// "Key":{"request_id":{"S":"<id>"}}.
func (p *faultProxy) match(body []byte) (string, fault) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for id, f := range p.faults {
		if bytes.Contains(body, []byte(`{"S":"`+id+`"}`)) {
			return id, f
		}
	}
	return "", 0
}

// sesProxy stands between status-notifier and the SES emulator: it answers the first Failures
// SendEmail calls the way SES does when it throttles (429) or fails (500), alternately, then
// passes everything through. Its target is set once the stack (and its emulator) runs.
type sesProxy struct {
	URL      string
	Addr     string
	target   atomic.Pointer[url.URL]
	failures atomic.Int64 // SendEmail calls still to fail
	failed   atomic.Int64
	srv      *http.Server
}

func startSESProxy(t testing.TB, failures int) *sesProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &sesProxy{URL: "http://" + l.Addr().String(), Addr: l.Addr().String()}
	p.failures.Store(int64(failures))
	p.srv = &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := p.target.Load()
		if target == nil {
			http.Error(w, "no SES yet", http.StatusBadGateway)
			return
		}
		if r.Method == http.MethodPost && p.failures.Add(-1) >= 0 {
			status, code := http.StatusTooManyRequests, "TooManyRequestsException"
			if p.failed.Add(1)%2 == 0 {
				status, code = http.StatusInternalServerError, "InternalFailure"
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", code)
			w.WriteHeader(status)
			_, _ = io.WriteString(w, `{"message":"injected by the e2e test"}`)
			return
		}
		httputil.NewSingleHostReverseProxy(target).ServeHTTP(w, r)
	})}
	go func() { _ = p.srv.Serve(l) }()
	return p
}

// To sets the SES endpoint the proxy passes to.
func (p *sesProxy) To(endpoint string) error {
	u, err := url.Parse(endpoint)
	if err == nil {
		p.target.Store(u)
	}
	return err
}

// Close stops the proxy.
func (p *sesProxy) Close() { _ = p.srv.Close() }
