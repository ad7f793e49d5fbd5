package stacks

import (
	"errors"
	"fmt"
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
// from JSON may also be numbers, booleans or (corsOrigins) lists.
const (
	CtxStage                  = "stage"
	CtxRemovalPolicy          = "removalPolicy"
	CtxUserPoolID             = "userPoolId"
	CtxAlarmTopicARN          = "alarmTopicArn"
	CtxCORSOrigins            = "corsOrigins"
	CtxBatchSize              = "batchSize"
	CtxMaxBatchingWindowSecs  = "maxBatchingWindowSeconds"
	CtxMaxConcurrency         = "maxConcurrency"
	CtxThrottleRate           = "throttleRate"
	CtxThrottleBurst          = "throttleBurst"
	CtxLogLevel               = "logLevel"
	CtxAssetDir               = "assetDir"
	CtxOldestMessageAlarmSecs = "oldestMessageAlarmSeconds"
	CtxCursorKeyRevision      = "cursorKeyRevision"
)

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
	// CORSOrigins are the browser origins allowed to call the HTTP API; none disables CORS.
	CORSOrigins []string
	// The SQS event source of status-updater.
	BatchSize         int
	MaxBatchingWindow time.Duration
	MaxConcurrency    int
	// Throttling of the HTTP API's stage.
	ThrottleRate, ThrottleBurst int
	// LogLevel is the functions' LOG_LEVEL.
	LogLevel string
	// AssetDir holds <function>/bootstrap for each function (what `make build` writes).
	AssetDir string
	// OldestMessageAlarm is the age of the oldest queued event that raises an alarm.
	OldestMessageAlarm time.Duration
	// CursorKeyRevision is written into status-query's description: changing it after putting
	// a new cursor key makes CloudFormation update the function, which resolves the key again.
	CursorKeyRevision string
}

// DefaultSettings are the settings of a "dev" deployment with nothing given.
func DefaultSettings() Settings {
	return Settings{
		Stage:              "dev",
		BatchSize:          deploy.BatchSize,
		MaxBatchingWindow:  deploy.MaxBatchingWindow,
		MaxConcurrency:     deploy.MaxConcurrency,
		ThrottleRate:       deploy.ThrottleRateLimit,
		ThrottleBurst:      deploy.ThrottleBurstLimit,
		LogLevel:           deploy.DefaultLogLevel,
		AssetDir:           filepath.Join("..", "build", "lambda"),
		OldestMessageAlarm: 5 * time.Minute,
		CursorKeyRevision:  "1",
	}
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
	if v, ok := get(CtxCORSOrigins); ok {
		var origins []string
		switch x := v.(type) {
		case string:
			origins = strings.Split(x, ",")
		case []any:
			for _, o := range x {
				origins = append(origins, fmt.Sprint(o))
			}
		default:
			errs = append(errs, fmt.Errorf("context %s: want a comma-separated string or a list, got %v", CtxCORSOrigins, v))
		}
		for _, o := range origins {
			o = strings.TrimSpace(o)
			switch {
			case o == "":
			case strings.HasPrefix(o, "https://"), strings.HasPrefix(o, "http://localhost"), strings.HasPrefix(o, "http://127.0.0.1"):
				s.CORSOrigins = append(s.CORSOrigins, strings.TrimSuffix(o, "/"))
			default:
				errs = append(errs, fmt.Errorf("context %s: origin %q must be https:// (or http://localhost); a wildcard is not accepted", CtxCORSOrigins, o))
			}
		}
	}
	num(CtxBatchSize, &s.BatchSize, 1, 10000)
	window := int(s.MaxBatchingWindow / time.Second)
	num(CtxMaxBatchingWindowSecs, &window, 0, 300)
	s.MaxBatchingWindow = time.Duration(window) * time.Second
	if s.BatchSize > 10 && s.MaxBatchingWindow == 0 {
		errs = append(errs, fmt.Errorf("context %s: a batch size over 10 needs a batching window of at least 1 s", CtxBatchSize))
	}
	num(CtxMaxConcurrency, &s.MaxConcurrency, 2, 1000)
	num(CtxThrottleRate, &s.ThrottleRate, 1, 10000)
	num(CtxThrottleBurst, &s.ThrottleBurst, 1, 5000)
	age := int(s.OldestMessageAlarm / time.Second)
	num(CtxOldestMessageAlarmSecs, &age, 60, 14*24*3600)
	s.OldestMessageAlarm = time.Duration(age) * time.Second
	str(CtxLogLevel, &s.LogLevel)
	switch s.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("context %s: %q must be debug, info, warn or error", CtxLogLevel, s.LogLevel))
	}
	str(CtxCursorKeyRevision, &s.CursorKeyRevision)
	if !revisionRe.MatchString(s.CursorKeyRevision) {
		errs = append(errs, fmt.Errorf("context %s: %q must be 1 to 20 letters, digits, dots or dashes", CtxCursorKeyRevision, s.CursorKeyRevision))
	}
	str(CtxAssetDir, &s.AssetDir)
	if err := s.checkAssets(); err != nil {
		errs = append(errs, err)
	}
	return s, errors.Join(errs...)
}

// AssetPath is the asset directory of the named function.
func (s Settings) AssetPath(function string) string { return filepath.Join(s.AssetDir, function) }

// checkAssets refuses to synthesize without the functions' binaries: an empty asset would
// deploy a function that cannot start.
func (s Settings) checkAssets() error {
	var missing []string
	for _, fn := range deploy.Functions {
		p := filepath.Join(s.AssetPath(fn), "bootstrap")
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
