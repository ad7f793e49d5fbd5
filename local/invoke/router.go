package invoke

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Router serves the Lambda Invoke API for a set of functions, each by its Pool.
type Router struct {
	log   *slog.Logger
	pools map[string]*Pool
	async sync.WaitGroup
}

// StartRouter starts a Pool for each function. Stop ends them all.
func StartRouter(ctx context.Context, log *slog.Logger, rie string, fns []Function) (*Router, error) {
	r := &Router{log: log, pools: map[string]*Pool{}}
	for _, fn := range fns {
		p, err := StartPool(ctx, log, rie, fn)
		if err != nil {
			r.Stop()
			return nil, err
		}
		r.pools[fn.Name] = p
	}
	return r, nil
}

// Stop waits for asynchronous invokes, then ends every emulator.
func (r *Router) Stop() {
	r.async.Wait()
	for _, p := range r.pools {
		p.Stop()
	}
}

// ErrNotFound is returned by Invoke for a function the router does not serve.
type ErrNotFound struct{ Function string }

func (e ErrNotFound) Error() string { return "Function not found: " + e.Function }

// Invoke runs one invoke of the named function (a name or a function ARN) and logs its outcome.
func (r *Router) Invoke(ctx context.Context, function string, payload []byte) (Result, error) {
	return r.invoke(ctx, newRequestID(), function, payload)
}

func (r *Router) invoke(ctx context.Context, requestID, function string, payload []byte) (Result, error) {
	name := functionName(function)
	p, ok := r.pools[name]
	if !ok {
		return Result{}, ErrNotFound{Function: function}
	}
	start := time.Now()
	res, err := p.Invoke(ctx, requestID, payload)
	attrs := []any{"function", name, "request_id", requestID, "duration_ms", float64(time.Since(start).Microseconds()) / 1000}
	switch {
	case err != nil:
		r.log.Error("invoke failed", append(attrs, "outcome", "emulator_error", "err", err)...)
	case res.FunctionError != "":
		r.log.Warn("invoke", append(attrs, "outcome", "function_error", "error", string(res.Payload))...)
	default:
		r.log.Info("invoke", append(attrs, "outcome", "ok")...)
	}
	return res, err
}

// ServeHTTP serves POST /2015-03-31/functions/{name}/invocations with the invocation types
// RequestResponse (default), Event (202, run in the background) and DryRun (204).
func (r *Router) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	name, ok := invocationPath(req.URL.Path)
	if !ok || req.Method != http.MethodPost {
		writeAPIError(w, http.StatusNotFound, "ResourceNotFoundException", "unknown operation "+req.Method+" "+req.URL.Path)
		return
	}
	if _, ok := r.pools[functionName(name)]; !ok {
		writeAPIError(w, http.StatusNotFound, "ResourceNotFoundException", ErrNotFound{Function: name}.Error())
		return
	}
	payload, err := io.ReadAll(io.LimitReader(req.Body, 6<<20+1))
	if err != nil || len(payload) > 6<<20 {
		writeAPIError(w, http.StatusRequestEntityTooLarge, "RequestTooLargeException", "request payload too large or unreadable")
		return
	}
	if len(payload) == 0 {
		payload = []byte("{}")
	}
	requestID := newRequestID()
	w.Header().Set("X-Amzn-RequestId", requestID)
	switch req.Header.Get("X-Amz-Invocation-Type") {
	case "DryRun":
		w.WriteHeader(http.StatusNoContent)
		return
	case "Event":
		r.async.Add(1)
		go func() {
			defer r.async.Done()
			_, _ = r.invoke(context.WithoutCancel(req.Context()), requestID, name, payload)
		}()
		w.WriteHeader(http.StatusAccepted)
		return
	}
	res, err := r.invoke(req.Context(), requestID, name, payload)
	if err != nil {
		writeAPIError(w, http.StatusBadGateway, "ServiceException", err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amz-Executed-Version", "$LATEST")
	if res.FunctionError != "" {
		w.Header().Set("X-Amz-Function-Error", res.FunctionError)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(res.Payload)
}

// invocationPath extracts {name} from /2015-03-31/functions/{name}/invocations.
func invocationPath(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/2015-03-31/functions/")
	if !ok {
		return "", false
	}
	name, ok := strings.CutSuffix(rest, "/invocations")
	return name, ok && name != "" && !strings.Contains(name, "/")
}

// functionName accepts a name, a name:qualifier, or a function ARN, and returns the name.
func functionName(s string) string {
	if strings.HasPrefix(s, "arn:") {
		parts := strings.Split(s, ":")
		if len(parts) >= 7 {
			return parts[6]
		}
	}
	name, _, _ := strings.Cut(s, ":")
	return name
}

func writeAPIError(w http.ResponseWriter, status int, typ, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", typ)
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"Type": "User", "message": msg})
}

func newRequestID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

// Addrs returns the address of every emulator, for checks that nothing is left listening.
func (r *Router) Addrs() []string {
	var out []string
	for _, p := range r.pools {
		for _, e := range p.all {
			out = append(out, e.Addr())
		}
	}
	return out
}
