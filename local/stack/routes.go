package stack

import (
	"github.com/trainstatus/trainstatus/local/httpapi"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// routes renders pkg/deploy's routes for the local HTTP API, as infra/ renders them for API
// Gateway.
func routes() []httpapi.Route {
	out := make([]httpapi.Route, len(deploy.Routes))
	for i, r := range deploy.Routes {
		out[i] = httpapi.Route{Method: r.Method, Path: r.Path, Function: r.Function, NoAuth: r.Auth == deploy.AuthFunction}
	}
	return out
}
