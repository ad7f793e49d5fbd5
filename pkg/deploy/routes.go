package deploy

// Path parameters of the routes.
const PathRequestID = "request_id"

// Route is one route of the HTTP API: every route is served by Function behind the Cognito JWT
// authorizer, and throttled on its own (so a flood of one route cannot use up the others').
type Route struct {
	Method, Path string
	Function     string
	// RateLimit is the steady requests per second, BurstLimit the bucket, for the whole route
	// (API Gateway's per-route throttling; every caller shares it).
	RateLimit  float64
	BurstLimit int
}

// Key is the route key as the HTTP API names it: "GET /status/{request_id}".
func (r Route) Key() string { return r.Method + " " + r.Path }

// The routes.
var (
	ListStatusRoute     = Route{Method: "GET", Path: "/status", Function: StatusQuery, RateLimit: 20, BurstLimit: 40}
	GetStatusRoute      = Route{Method: "GET", Path: "/status/{" + PathRequestID + "}", Function: StatusQuery, RateLimit: 50, BurstLimit: 100}
	GetPreferencesRoute = Route{Method: "GET", Path: "/me/preferences", Function: StatusQuery, RateLimit: 10, BurstLimit: 20}
	PutPreferencesRoute = Route{Method: "PUT", Path: "/me/preferences", Function: StatusQuery, RateLimit: 5, BurstLimit: 10}
	// The alert settings (issue 22).
	GetAlertsRoute      = Route{Method: "GET", Path: "/me/alerts", Function: StatusQuery, RateLimit: 10, BurstLimit: 20}
	PutAlertsRoute      = Route{Method: "PUT", Path: "/me/alerts", Function: StatusQuery, RateLimit: 5, BurstLimit: 10}
	TestAlertsRoute     = Route{Method: "POST", Path: "/me/alerts/test", Function: StatusQuery, RateLimit: 2, BurstLimit: 5}
	RouteListStatus     = ListStatusRoute.Key()
	RouteGetStatus      = GetStatusRoute.Key()
	RouteGetPreferences = GetPreferencesRoute.Key()
	RoutePutPreferences = PutPreferencesRoute.Key()
	RouteGetAlerts      = GetAlertsRoute.Key()
	RoutePutAlerts      = PutAlertsRoute.Key()
	RouteTestAlerts     = TestAlertsRoute.Key()
)

// Routes lists the HTTP API's routes.
var Routes = []Route{ListStatusRoute, GetStatusRoute, GetPreferencesRoute, PutPreferencesRoute,
	GetAlertsRoute, PutAlertsRoute, TestAlertsRoute}

// Throttling of the HTTP API's stage, over all routes together: steady requests per second and
// burst.
const (
	ThrottleRateLimit  = 50
	ThrottleBurstLimit = 100
)

// LogRetentionDays is how long function and access logs are kept.
const LogRetentionDays = 30
