package deploy

// Path parameters of the routes.
const PathRequestID = "request_id"

// Route is one route of the HTTP API: served by Function, behind the Cognito JWT authorizer
// unless Auth says otherwise, and throttled on its own (so a flood of one route cannot use up the
// others').
type Route struct {
	Method, Path string
	Function     string
	// Auth is who checks the caller: the JWT authorizer (the zero value) or the function.
	Auth Authorization
	// RateLimit is the steady requests per second, BurstLimit the bucket, for the whole route
	// (API Gateway's per-route throttling; every caller shares it).
	RateLimit  float64
	BurstLimit int
}

// Authorization says who authenticates a route's caller.
type Authorization int

const (
	// AuthJWT: the HTTP API's Cognito JWT authorizer; the function reads the caller's sub from
	// the request context.
	AuthJWT Authorization = iota
	// AuthFunction: no authorizer; the function checks the request's own credentials (the
	// ingest endpoint's reporting token, in the Authorization header it is passed unchanged).
	AuthFunction
)

// Key is the route key as the HTTP API names it: "GET /status/{request_id}".
func (r Route) Key() string { return r.Method + " " + r.Path }

// The routes.
var (
	// ListStatusRoute: the page polls a user's list every 10 s while a listed job runs (0.1
	// requests a second per open tab): 100 a second is a thousand open lists.
	ListStatusRoute = Route{Method: "GET", Path: "/status", Function: StatusQuery, RateLimit: 100, BurstLimit: 200}
	// GetStatusRoute: every tab watching a job polls it every 2 s (0.5 a second): 500 a second
	// is a thousand watchers.
	GetStatusRoute      = Route{Method: "GET", Path: "/status/{" + PathRequestID + "}", Function: StatusQuery, RateLimit: 500, BurstLimit: 1000}
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
	GetAlertsRoute, PutAlertsRoute, TestAlertsRoute,
	ListTokensRoute, CreateTokenRoute, DeleteTokenRoute, IngestRoute}

// Throttling of the HTTP API's stage, over all routes together: steady requests per second and
// burst. It is above the busiest routes together (watchers and ingest) and well within API
// Gateway's account default (10,000 a second); README "What the deployed API holds" says what
// each user and all of them get.
const (
	ThrottleRateLimit  = 1000
	ThrottleBurstLimit = 2000
)

// LogRetentionDays is how long function and access logs are kept.
const LogRetentionDays = 30
