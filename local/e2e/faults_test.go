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
	p := &faultProxy{URL: "http://" + l.Addr().String(), Addr: l.Addr().String(), faults: faults, failed: map[string]int{}}
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

func (p *faultProxy) handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.lifted.Load() || r.Header.Get("X-Amz-Target") != "DynamoDB_20120810.UpdateItem" {
			next.ServeHTTP(w, r)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
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
