package main

import (
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// route is what a request asks for.
type route int

const (
	routeNone           route = iota // no route of this function
	routeListJobs                    // GET /status
	routeGetJob                      // GET /status/{request_id}
	routeGetPreferences              // GET /me/preferences
	routePutPreferences              // PUT /me/preferences
	routeGetAlerts                   // GET /me/alerts
	routePutAlerts                   // PUT /me/alerts
	routeTestAlerts                  // POST /me/alerts/test
	routeListTokens                  // GET /me/tokens
	routeCreateToken                 // POST /me/tokens
	routeDeleteToken                 // DELETE /me/tokens/{token_id}
)

// routes maps the route keys of pkg/deploy (the routes the HTTP API sends to this function) to
// what the function does for them. A test checks it covers deploy.Routes exactly.
var routes = map[string]route{
	deploy.RouteListStatus:     routeListJobs,
	deploy.RouteGetStatus:      routeGetJob,
	deploy.RouteGetPreferences: routeGetPreferences,
	deploy.RoutePutPreferences: routePutPreferences,
	deploy.RouteGetAlerts:      routeGetAlerts,
	deploy.RoutePutAlerts:      routePutAlerts,
	deploy.RouteTestAlerts:     routeTestAlerts,
	deploy.RouteListTokens:     routeListTokens,
	deploy.RouteCreateToken:    routeCreateToken,
	deploy.RouteDeleteToken:    routeDeleteToken,
}

func (r route) String() string {
	for k, v := range routes {
		if v == r {
			return k
		}
	}
	return "none"
}

// resolve finds the route of a request, and the job id of GET /status/{request_id} (the token id
// of DELETE /me/tokens/{token_id}), from the
// route key the HTTP API (and the local stack) sends: "GET /status/{request_id}". An "ANY" route
// key takes the request's method. Errors: 404 for a request without a route key or with one this
// function does not serve; 405, with Allow, for a method the path is not served with (reachable
// only if a deployment routes other methods here); 400 for an invalid request_id.
func resolve(req events.APIGatewayV2HTTPRequest) (route, string, *apiError) {
	key := req.RouteKey
	if key == "" {
		key = req.RequestContext.RouteKey
	}
	method, path, ok := strings.Cut(key, " ")
	if !ok {
		return routeNone, "", errNoRoute // "" or $default: no route of ours matched
	}
	if method == "ANY" {
		method = req.RequestContext.HTTP.Method
	}
	rt, ok := routes[method+" "+path]
	if !ok {
		if allow := allowedMethods(path); allow != "" {
			return routeNone, "", methodNotAllowed(allow)
		}
		return routeNone, "", errNoRoute
	}
	if rt == routeDeleteToken {
		// Any id is looked for: one that cannot be a token's is the same 404 as a missing one.
		return rt, req.PathParameters[deploy.PathTokenID], nil
	}
	if rt != routeGetJob {
		return rt, "", nil
	}
	id, err := checkedID(req.PathParameters[deploy.PathRequestID])
	return rt, id, err
}

// allowedMethods lists the methods this function serves path with ("GET, PUT"), "" for none.
func allowedMethods(path string) string {
	var methods []string
	for _, r := range deploy.Routes {
		if r.Path == path && r.Function == deploy.StatusQuery {
			methods = append(methods, r.Method)
		}
	}
	slices.Sort(methods)
	return strings.Join(methods, ", ")
}

// checkedID decodes (when escaped) and checks a request id from the path. A valid id holds no
// "%", so decoding is never ambiguous.
func checkedID(id string) (string, *apiError) {
	if strings.Contains(id, "%") {
		var err error
		if id, err = url.PathUnescape(id); err != nil {
			return "", errInvalidRequestID
		}
	}
	if !trainevent.ValidRequestID(id) {
		return "", errInvalidRequestID
	}
	return id, nil
}
