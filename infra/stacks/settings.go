package stacks

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/aws/constructs-go/constructs/v10"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// Context keys: `cdk deploy -c stage=prod -c alarmTopicArn=arn:...`, or the "context" of
// cdk.json, or AppProps.Context in tests. Values given on the command line are strings; values
// from JSON may also be numbers, booleans or (corsOrigins, sesSandboxRecipients) lists.
const (
	CtxStage                     = "stage"
	CtxRemovalPolicy             = "removalPolicy"
	CtxUserPoolID                = "userPoolId"
	CtxAlarmTopicARN             = "alarmTopicArn"
	CtxCORSOrigins               = "corsOrigins"
	CtxBatchSize                 = "batchSize"
	CtxMaxBatchingWindowSecs     = "maxBatchingWindowSeconds"
	CtxEventSourceMaxConcurrency = "eventSourceMaxConcurrency"
	CtxThrottleRate              = "throttleRate"
	CtxThrottleBurst             = "throttleBurst"
	CtxAssetDir                  = "assetDir"
	CtxWebDir                    = "webDir"
	CtxOldestMessageAlarmSecs    = "oldestMessageAlarmSeconds"
	CtxCursorKeyRevision         = "cursorKeyRevision"
	CtxNotificationSender        = "notificationSender"
	CtxNotificationIdentity      = "notificationIdentity"
	CtxSESSandboxRecipients      = "sesSandboxRecipients"
	CtxTrackerURL                = "trackerUrl"
	CtxReservedConcurrency       = "reservedConcurrency"
	CtxCognitoEmailFrom          = "cognitoEmailFrom"
	CtxCognitoEmailIdentity      = "cognitoEmailIdentity"
	CtxCognitoSESRegion          = "cognitoSesRegion"
	// CtxEventSenderRoles lists the IAM role ARNs besides the ingest function's that may send to
	// the events queue (the platform's own trainers, the operators' redrive role): see
	// ingest_stateful.go and README "Who may do what".
	CtxEventSenderRoles = "eventSenderRoles"

	// The settings of the functions' environment (see settingVars).
	CtxLogLevel           = "logLevel"
	CtxRequestConcurrency = "requestConcurrency"
	CtxStallWindow        = "stallWindow"

	// ctxMaxConcurrencyRenamed is the old name of eventSourceMaxConcurrency: refused with a
	// message, so that a deployment which still sets it does not silently lose its value.
	ctxMaxConcurrencyRenamed = "maxConcurrency"
)

// settingVar says which context key overrides the default of one of package deploy's setting
// variables, and how a value is checked.
type settingVar struct {
	key   string
	check func(string) error
}

// settingVars covers every setting variable of deploy.Functions (a test proves it): a function's
// setting gets the Default written in package deploy unless its context key is given.
var settingVars = map[string]settingVar{
	deploy.LogLevelVar.Name: {CtxLogLevel, func(v string) error {
		switch v {
		case "debug", "info", "warn", "error":
			return nil
		}
		return errors.New("must be debug, info, warn or error")
	}},
	deploy.RequestConcurrencyVar.Name: {CtxRequestConcurrency, func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < 1 || n > 100 {
			return errors.New("must be a whole number from 1 to 100")
		}
		return nil
	}},
	deploy.StallWindowVar.Name: {CtxStallWindow, func(v string) error {
		if d, err := time.ParseDuration(v); err != nil || d < time.Minute || d > 7*24*time.Hour {
			return errors.New("must be a Go duration from 1m to 168h")
		}
		return nil
	}},
}

// SettingContextKey returns the context key that overrides the setting variable named name.
func SettingContextKey(name string) (string, bool) {
	sv, ok := settingVars[name]
	return sv.key, ok
}

// Settings is one deployment of the system, read from the CDK context.
type Settings struct {
	// Stage names the deployment ("dev", "prod", ...): every physical name starts with
	// "trainstatus-<stage>-", so stages can share an account.
	Stage string
	// Destroy makes stateful resources deletable (RemovalPolicy DESTROY, no deletion or
	// termination protection): for throw-away stages only, refused for "prod".
	Destroy bool
	// UserPoolID, when set, is an existing Cognito user pool to use instead of creating one.
	UserPoolID string
	// AlarmTopicARN, when set, is an existing SNS topic that the alarms notify.
	AlarmTopicARN string
	// CORSOrigins are the browser origins allowed to call the HTTP API directly; none disables
	// CORS (the page itself is served from the API's CloudFront origin and needs none).
	CORSOrigins []string
	// The SQS event source of status-updater.
	BatchSize                 int
	MaxBatchingWindow         time.Duration
	EventSourceMaxConcurrency int
	// Throttling of the HTTP API's stage; no route is allowed more.
	ThrottleRate, ThrottleBurst int
	// Env holds the value of every setting variable of the functions (settingVars): the
	// default of package deploy, or its context override.
	Env map[string]string
	// AssetDir holds <function>/bootstrap for each function (what `make build` writes).
	AssetDir string
	// WebDir is the tracker page (web/static): uploaded as it is, no build step.
	WebDir string
	// OldestMessageAlarm is the age of the oldest queued event (and of the oldest unread stream
	// record) that raises an alarm.
	OldestMessageAlarm time.Duration
	// CursorKeyRevision is written into status-query's description: changing it after putting
	// a new cursor key makes CloudFormation update the function, which resolves the keys again.
	CursorKeyRevision string
	// NotificationSender is status-notifier's From address (NOTIFICATION_SENDER); without it
	// the notifier is not deployed (its failure queue is, so adding it later is a stateless
	// change).
	NotificationSender string
	// NotificationIdentity is the SES identity the sender is verified as: its address (the
	// default) or its domain. status-notifier may send as this identity only.
	NotificationIdentity string
	// SESSandboxRecipients are verified recipient addresses: while the account is in the SES
	// sandbox, SES also authorizes each send against the recipient's identity.
	SESSandboxRecipients []string
	// TrackerURL is the page's base URL in the notifier's links (TRACKER_URL); empty means the
	// CloudFront distribution's URL.
	TrackerURL string
	// ReservedConcurrency turns on the reservations package deploy defines
	// (deploy.Function.ReservedConcurrency). Off by default: a new account's concurrency quota
	// may be too small for any reservation (infra/README.md, Limits).
	ReservedConcurrency bool
	// CognitoEmail, when it has a From address, makes the user pool send its mail (sign-up
	// codes, password resets) through SES instead of Cognito's own sender and its small quota.
	CognitoEmail CognitoEmail
	// EventSenderRoles are the role ARNs, besides the ingest function's and the stack's
	// operator role, that the events queue lets send (CtxEventSenderRoles).
	EventSenderRoles []string
}

// DefaultSettings are the settings of a "dev" deployment with nothing given.
func DefaultSettings() Settings {
	return Settings{
		Stage:                     "dev",
		BatchSize:                 deploy.BatchSize,
		MaxBatchingWindow:         deploy.MaxBatchingWindow,
		EventSourceMaxConcurrency: deploy.EventSourceMaxConcurrency,
		ThrottleRate:              deploy.ThrottleRateLimit,
		ThrottleBurst:             deploy.ThrottleBurstLimit,
		Env:                       settingDefaults(),
		AssetDir:                  filepath.Join("..", "build", "lambda"),
		WebDir:                    filepath.Join("..", "web", "static"),
		OldestMessageAlarm:        5 * time.Minute,
		CursorKeyRevision:         "1",
	}
}

// settingDefaults returns the Default of every setting variable of the functions.
func settingDefaults() map[string]string {
	env := map[string]string{}
	for _, f := range deploy.Functions {
		for _, v := range f.Env {
			if v.IsSetting() {
				env[v.Name] = v.Default
			}
		}
	}
	return env
}

// Prefix starts every physical name of the deployment.
func (s Settings) Prefix() string { return "trainstatus-" + s.Stage }

// Name is the physical name of a resource of the deployment.
func (s Settings) Name(suffix string) string { return s.Prefix() + "-" + suffix }

var (
	stageRe      = regexp.MustCompile(`^[a-z][a-z0-9-]{0,19}$`)
	userPoolIDRe = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d_[0-9a-zA-Z]+$`)
	revisionRe   = regexp.MustCompile(`^[0-9A-Za-z.-]{1,20}$`)
	topicARNRe   = regexp.MustCompile(`^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[\w-]{1,256}$`)
)

// SettingsFromContext reads the settings from the context of scope (normally the App) and
// checks them; every problem is reported, not only the first.
func SettingsFromContext(scope constructs.Construct) (Settings, error) {
	s := DefaultSettings()
	var errs []error
	get := func(key string) (any, bool) {
		v := scope.Node().TryGetContext(&key)
		return v, v != nil
	}
	str := func(key string, dst *string) {
		if v, ok := get(key); ok {
			if sv, ok := v.(string); ok {
				*dst = strings.TrimSpace(sv)
			} else {
				errs = append(errs, fmt.Errorf("context %s: want a string, got %v", key, v))
			}
		}
	}
	num := func(key string, dst *int, lo, hi int) {
		v, ok := get(key)
		if !ok {
			return
		}
		var n int
		switch x := v.(type) {
		case float64:
			if x != float64(int(x)) {
				errs = append(errs, fmt.Errorf("context %s: want a whole number, got %v", key, x))
				return
			}
			n = int(x)
		case string:
			var err error
			if n, err = strconv.Atoi(strings.TrimSpace(x)); err != nil {
				errs = append(errs, fmt.Errorf("context %s: want a whole number, got %q", key, x))
				return
			}
		default:
			errs = append(errs, fmt.Errorf("context %s: want a whole number, got %v", key, v))
			return
		}
		if n < lo || n > hi {
			errs = append(errs, fmt.Errorf("context %s: %d is outside %d..%d", key, n, lo, hi))
			return
		}
		*dst = n
	}

	// list reads a comma-separated string or a JSON list; empty entries are dropped.
	list := func(key string) []string {
		v, ok := get(key)
		if !ok {
			return nil
		}
		var items []string
		switch x := v.(type) {
		case string:
			items = strings.Split(x, ",")
		case []any:
			for _, o := range x {
				items = append(items, fmt.Sprint(o))
			}
		default:
			errs = append(errs, fmt.Errorf("context %s: want a comma-separated string or a list, got %v", key, v))
		}
		var out []string
		for _, i := range items {
			if i = strings.TrimSpace(i); i != "" {
				out = append(out, i)
			}
		}
		return out
	}

	str(CtxStage, &s.Stage)
	if !stageRe.MatchString(s.Stage) {
		errs = append(errs, fmt.Errorf("context %s: %q must be lower-case letters, digits and dashes, starting with a letter, at most 20", CtxStage, s.Stage))
	}
	policy := "retain"
	str(CtxRemovalPolicy, &policy)
	switch strings.ToLower(policy) {
	case "retain":
	case "destroy":
		s.Destroy = true
		if s.Stage == "prod" {
			errs = append(errs, fmt.Errorf("context %s: destroy is refused for stage prod", CtxRemovalPolicy))
		}
	default:
		errs = append(errs, fmt.Errorf("context %s: %q must be retain or destroy", CtxRemovalPolicy, policy))
	}
	str(CtxUserPoolID, &s.UserPoolID)
	if s.UserPoolID != "" && !userPoolIDRe.MatchString(s.UserPoolID) {
		errs = append(errs, fmt.Errorf("context %s: %q is not a user pool id (region_id)", CtxUserPoolID, s.UserPoolID))
	}
	str(CtxAlarmTopicARN, &s.AlarmTopicARN)
	if s.AlarmTopicARN != "" && !topicARNRe.MatchString(s.AlarmTopicARN) {
		errs = append(errs, fmt.Errorf("context %s: %q is not an SNS topic ARN", CtxAlarmTopicARN, s.AlarmTopicARN))
	}
	for _, o := range list(CtxCORSOrigins) {
		origin, err := ParseOrigin(o)
		if err != nil {
			errs = append(errs, fmt.Errorf("context %s: %w", CtxCORSOrigins, err))
			continue
		}
		s.CORSOrigins = append(s.CORSOrigins, origin)
	}
	num(CtxBatchSize, &s.BatchSize, 1, 10000)
	window := int(s.MaxBatchingWindow / time.Second)
	num(CtxMaxBatchingWindowSecs, &window, 0, 300)
	s.MaxBatchingWindow = time.Duration(window) * time.Second
	if s.BatchSize > 10 && s.MaxBatchingWindow == 0 {
		errs = append(errs, fmt.Errorf("context %s: a batch size over 10 needs a batching window of at least 1 s", CtxBatchSize))
	}
	if _, ok := get(ctxMaxConcurrencyRenamed); ok {
		errs = append(errs, fmt.Errorf("context %s: renamed %s (the concurrency of the SQS event source; status-updater's jobs at once per batch are %s)",
			ctxMaxConcurrencyRenamed, CtxEventSourceMaxConcurrency, CtxRequestConcurrency))
	}
	num(CtxEventSourceMaxConcurrency, &s.EventSourceMaxConcurrency, 2, 1000)
	num(CtxThrottleRate, &s.ThrottleRate, 1, 10000)
	num(CtxThrottleBurst, &s.ThrottleBurst, 1, 5000)
	age := int(s.OldestMessageAlarm / time.Second)
	num(CtxOldestMessageAlarmSecs, &age, 60, 14*24*3600)
	s.OldestMessageAlarm = time.Duration(age) * time.Second
	for name, sv := range settingVars {
		if v, ok := get(sv.key); ok {
			value := strings.TrimSpace(fmt.Sprint(v))
			if err := sv.check(value); err != nil {
				errs = append(errs, fmt.Errorf("context %s (%s): %q %w", sv.key, name, value, err))
				continue
			}
			s.Env[name] = value
		}
	}
	errs = append(errs, s.readEventSenders(list)...)
	str(CtxCursorKeyRevision, &s.CursorKeyRevision)
	if !revisionRe.MatchString(s.CursorKeyRevision) {
		errs = append(errs, fmt.Errorf("context %s: %q must be 1 to 20 letters, digits, dots or dashes", CtxCursorKeyRevision, s.CursorKeyRevision))
	}
	errs = append(errs, s.readNotifier(str, list)...)
	if v, ok := get(CtxReservedConcurrency); ok {
		switch strings.ToLower(strings.TrimSpace(fmt.Sprint(v))) {
		case "true":
			s.ReservedConcurrency = true
		case "false":
		default:
			errs = append(errs, fmt.Errorf("context %s: %v must be true or false", CtxReservedConcurrency, v))
		}
	}
	errs = append(errs, s.readCognitoEmail(str)...)
	str(CtxAssetDir, &s.AssetDir)
	if err := s.checkAssets(); err != nil {
		errs = append(errs, err)
	}
	str(CtxWebDir, &s.WebDir)
	if err := s.checkWeb(); err != nil {
		errs = append(errs, err)
	}
	return s, errors.Join(errs...)
}

// readNotifier reads the sender, its SES identity, the sandbox recipients and the page URL.
func (s *Settings) readNotifier(str func(string, *string), list func(string) []string) []error {
	var errs []error
	str(CtxNotificationSender, &s.NotificationSender)
	str(CtxNotificationIdentity, &s.NotificationIdentity)
	if s.NotificationSender == "" {
		if s.NotificationIdentity != "" {
			errs = append(errs, fmt.Errorf("context %s: given without %s", CtxNotificationIdentity, CtxNotificationSender))
		}
	} else if addr, err := mail.ParseAddress(s.NotificationSender); err != nil {
		errs = append(errs, fmt.Errorf("context %s: %q is not an email address: %w", CtxNotificationSender, s.NotificationSender, err))
	} else {
		_, domain, _ := strings.Cut(addr.Address, "@")
		switch s.NotificationIdentity {
		case "":
			s.NotificationIdentity = addr.Address
		case addr.Address, domain:
		default:
			errs = append(errs, fmt.Errorf("context %s: %q must be the sender's address %s or its domain %s",
				CtxNotificationIdentity, s.NotificationIdentity, addr.Address, domain))
		}
	}
	for _, r := range list(CtxSESSandboxRecipients) {
		addr, err := mail.ParseAddress(r)
		if err != nil || addr.Name != "" {
			errs = append(errs, fmt.Errorf("context %s: %q is not a bare email address", CtxSESSandboxRecipients, r))
			continue
		}
		s.SESSandboxRecipients = append(s.SESSandboxRecipients, addr.Address)
	}
	str(CtxTrackerURL, &s.TrackerURL)
	if s.TrackerURL != "" {
		u, err := url.Parse(s.TrackerURL)
		if err != nil || u.Scheme != "https" || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
			errs = append(errs, fmt.Errorf("context %s: %q must be an https:// URL without query or fragment", CtxTrackerURL, s.TrackerURL))
		}
		s.TrackerURL = strings.TrimSuffix(s.TrackerURL, "/")
	}
	return errs
}

// Notifies reports whether status-notifier is deployed: only with a sender to send as.
func (s Settings) Notifies() bool { return s.NotificationSender != "" }

// ParseOrigin checks a browser origin allowed to call the HTTP API and returns it as browsers
// send it (scheme://host[:port], lower case). It must be https, or http for localhost or
// 127.0.0.1 exactly (a developer's page); a path, query, fragment, user info or wildcard is
// refused. The URL is parsed and its parts compared: a prefix check would let
// http://localhost.evil.example through.
func ParseOrigin(origin string) (string, error) {
	u, err := url.Parse(origin)
	if err != nil {
		return "", fmt.Errorf("origin %q: %w", origin, err)
	}
	fail := func(why string) (string, error) { return "", fmt.Errorf("origin %q: %s", origin, why) }
	scheme, host := strings.ToLower(u.Scheme), strings.ToLower(u.Hostname())
	switch {
	case strings.Contains(origin, "*"):
		return fail("a wildcard is not accepted")
	case u.Opaque != "" || u.Host == "" || host == "":
		return fail("want scheme://host[:port]")
	case u.User != nil:
		return fail("user info is not accepted")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "", u.ForceQuery:
		return fail("an origin has no path, query or fragment")
	case scheme == "https":
	case scheme == "http" && (host == "localhost" || host == "127.0.0.1"):
	default:
		return fail("must be https:// (or http://localhost, http://127.0.0.1)")
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]" // an IPv6 literal
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return fail("bad port")
		}
		host += ":" + p
	} else if strings.HasSuffix(u.Host, ":") {
		return fail("empty port")
	}
	return scheme + "://" + host, nil
}

// AssetPath is the asset directory of the named function.
func (s Settings) AssetPath(function string) string { return filepath.Join(s.AssetDir, function) }

// checkAssets refuses to synthesize without the functions' binaries: an empty asset would
// deploy a function that cannot start.
func (s Settings) checkAssets() error {
	var missing []string
	for _, fn := range s.Functions() {
		p := filepath.Join(s.AssetPath(fn.Name), "bootstrap")
		if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
			missing = append(missing, p)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("function assets missing (run `make build` at the repository root, or set context %s): %s",
			CtxAssetDir, strings.Join(missing, ", "))
	}
	return nil
}

// Functions returns the functions this deployment declares: all of deploy.Functions, but
// status-notifier only with a sender (Notifies).
func (s Settings) Functions() []deploy.Function {
	var out []deploy.Function
	for _, f := range deploy.Functions {
		if f.Name == deploy.StatusNotifier && !s.Notifies() {
			continue
		}
		out = append(out, f)
	}
	return out
}

// WebIndex is the page's entry point, CloudFront's default root object and the target of deep
// links.
const WebIndex = "index.html"

// checkWeb refuses to synthesize without the page: a distribution whose root object is missing
// would answer every visitor with an S3 error.
func (s Settings) checkWeb() error {
	p := filepath.Join(s.WebDir, WebIndex)
	if fi, err := os.Stat(p); err != nil || !fi.Mode().IsRegular() {
		return fmt.Errorf("web page missing: %s not found (the page lives in web/static at the repository root; set context %s to its folder)",
			p, CtxWebDir)
	}
	return nil
}
