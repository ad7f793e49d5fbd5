// Package httpapi is the local HTTP API: it routes requests like API Gateway's HTTP API does
// (unmatched routes: 404 {"message":"Not Found"}), checks the bearer JWT like its JWT authorizer
// (401 {"message":"Unauthorized"}), builds the payload 2.0 events.APIGatewayV2HTTPRequest with the
// claims, invokes the route's function and returns its events.APIGatewayV2HTTPResponse.
package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/jwt"
)

// Route is one route, e.g. {Method: "GET", Path: "/status/{request_id}", Function: "status-query"}.
type Route struct {
	Method   string
	Path     string
	Function string
	// NoAuth: no authorizer on this route (deploy.AuthFunction): the request, its Authorization
	// header included, goes to the function as it came, which checks it itself.
	NoAuth bool
}

// Key is the route key as API Gateway writes it: "GET /status/{request_id}".
func (r Route) Key() string { return r.Method + " " + r.Path }

// Verifier checks a bearer token; *jwt.Verifier is one.
type Verifier interface {
	Verify(ctx context.Context, token string) (jwt.Claims, error)
}

// API serves the routes. A nil Auth means routes without authorizer.
type API struct {
	Routes  []Route
	Auth    Verifier
	Invoker invoke.Invoker
	Log     *slog.Logger
}

// ServeHTTP routes, authorizes, invokes and answers.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	requestID := newRequestID()
	w.Header().Set("Apigw-Requestid", requestID)
	rec := &statusRecorder{ResponseWriter: w}
	route, params, ok := match(a.Routes, r.Method, r.URL.Path)
	attrs := []any{"method", r.Method, "path", r.URL.Path, "request_id", requestID}
	defer func() {
		a.Log.Info("http", append(attrs, "status", rec.status, "duration_ms", float64(time.Since(start).Microseconds())/1000)...)
	}()
	if !ok {
		writeMessage(rec, http.StatusNotFound, "Not Found")
		return
	}
	attrs = append(attrs, "route", route.Key())
	var claims jwt.Claims
	if a.Auth != nil && !route.NoAuth {
		var err error
		claims, err = a.Auth.Verify(r.Context(), jwt.BearerToken(r.Header.Get("Authorization")))
		if err != nil {
			attrs = append(attrs, "unauthorized", err.Error())
			rec.Header().Set("Www-Authenticate", `Bearer error="invalid_token"`)
			writeMessage(rec, http.StatusUnauthorized, "Unauthorized")
			return
		}
		if sub, ok := claims["sub"].(string); ok {
			attrs = append(attrs, "sub", sub)
		}
	}
	event, err := buildRequest(r, route, params, claims, requestID, start)
	if err != nil {
		writeMessage(rec, http.StatusBadRequest, "Bad Request")
		return
	}
	res, err := a.Invoker.Invoke(r.Context(), route.Function, event)
	if err != nil || res.FunctionError != "" {
		attrs = append(attrs, "function_error", errText(err, res))
		writeMessage(rec, http.StatusInternalServerError, "Internal Server Error")
		return
	}
	if err := writeResponse(rec, res.Payload); err != nil {
		attrs = append(attrs, "bad_response", err.Error())
		writeMessage(rec, http.StatusInternalServerError, "Internal Server Error")
	}
}

func errText(err error, res invoke.Result) string {
	if err != nil {
		return err.Error()
	}
	return string(res.Payload)
}

func writeMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(`{"message":"` + msg + `"}`))
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}
