package main

import (
	"github.com/trainstatus/trainstatus/pkg/trainevent"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// route is what a request asks for.
type route int

const (
	routeNone route = iota // no such path
	routeList              // GET /status
	routeGet               // GET /status/{request_id}
)

func (r route) String() string {
	switch r {
	case routeList:
		return deploy.RouteListStatus
	case routeGet:
		return deploy.RouteGetStatus
	}
	return "none"
}

// resolve finds the route and the job id of a request. The HTTP API names the matched route in
// routeKey; behind any other integration (a $default route, the local stack, a test) the method
// and the raw path decide. Errors: 404 for an unknown path, 405 for a method other than GET on a
// known one, 400 for an invalid request_id.
func resolve(req events.APIGatewayV2HTTPRequest) (route, string, *apiError) {
	switch routeKey(req) {
	case deploy.RouteListStatus:
		return routeList, "", nil
	case deploy.RouteGetStatus:
		if id, ok := req.PathParameters[deploy.PathRequestID]; ok {
			return checkedID(id, strings.Contains(id, "%"))
		}
	}
	r, id, err := parsePath(stripStage(req.RawPath, req.RequestContext.Stage))
	if r == routeNone {
		return r, "", errNoRoute
	}
	if req.RequestContext.HTTP.Method != http.MethodGet {
		return r, "", errMethod
	}
	return r, id, err
}

func routeKey(req events.APIGatewayV2HTTPRequest) string {
	if req.RouteKey != "" {
		return req.RouteKey
	}
	return req.RequestContext.RouteKey
}

// stripStage removes the stage from a raw path: the HTTP API keeps it there for any stage but
// $default.
func stripStage(path, stage string) string {
	if stage == "" || stage == "$default" {
		return path
	}
	if rest, ok := strings.CutPrefix(path, "/"+stage); ok && strings.HasPrefix(rest, "/") {
		return rest
	}
	return path
}

// parsePath maps a raw (percent-encoded) path to a route: "/status" lists, "/status/<id>" gets
// one job. The id is percent-decoded and checked; an invalid one is a 400 on routeGet.
func parsePath(raw string) (route, string, *apiError) {
	rest, ok := strings.CutPrefix(raw, "/status")
	switch {
	case !ok:
		return routeNone, "", nil
	case rest == "":
		return routeList, "", nil
	case rest[0] != '/' || strings.Contains(rest[1:], "/"):
		return routeNone, "", nil
	}
	return checkedID(rest[1:], true)
}

// checkedID decodes (when escaped) and checks a request id. A valid id holds no "%", so decoding
// is never ambiguous.
func checkedID(id string, escaped bool) (route, string, *apiError) {
	if escaped {
		var err error
		if id, err = url.PathUnescape(id); err != nil {
			return routeGet, "", errInvalidRequestID
		}
	}
	if !trainevent.ValidRequestID(id) {
		return routeGet, "", errInvalidRequestID
	}
	return routeGet, id, nil
}
