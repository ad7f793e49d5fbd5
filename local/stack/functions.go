package stack

import (
	"path/filepath"

	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/pkg/alerts"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// Functions renders every function for a stack in state s, as Start runs them: its resources
// (tables, queues, the page's URL, the cursor key) and emulators, with cfg's settings and its
// FunctionEnv on top. A benchmark uses it to run one function beside a stack.
func Functions(cfg Config, s State) []invoke.Function {
	resources := map[deploy.Resource]string{
		deploy.StatusTableName:    s.StatusTable,
		deploy.UserTableName:      s.UserTable,
		deploy.DeadLetterQueueURL: s.DeadLetterURL,
		deploy.CursorKey:          cfg.CursorSecret,
		deploy.CursorKeyPrevious:  cfg.CursorSecretPrevious,
		deploy.NotificationSender: cfg.Sender,
		deploy.TrackerPageURL:     s.HTTPEndpoint,
		deploy.TokensTableName:    s.TokensTable,
		deploy.RateLimitTableName: s.RateLimitTable,
		deploy.EventsQueueURL:     s.QueueURL,
	}
	ep := endpoints{DynamoDB: s.DynamoDBEndpoint, SQS: s.SQSEndpoint, SESv2: s.SESEndpoint}
	// The explicit local setting that lets alerts reach a receiver on 127.0.0.1 (pkg/alerts).
	local := map[string]map[string]string{deploy.StatusNotifier: {alerts.AllowLocalVar: "true"}, deploy.StatusQuery: {alerts.AllowLocalVar: "true"}}
	return withEnv(withEnv(functions(cfg, ep, resources), local), cfg.FunctionEnv)
}

// endpoints are where the functions' SDK clients find the emulators: the SDK's standard
// AWS_ENDPOINT_URL_<SERVICE> variables, as in AWS where they are simply absent.
type endpoints struct {
	DynamoDB, SQS, SESv2 string
}

// functions renders pkg/deploy's description of every function for this machine, as infra/
// renders it for AWS: the same variables, each resource resolved to its local value (resources)
// and each setting to its default unless the stack's config sets it, plus the local endpoints
// and dummy credentials, and the memory and timeout of the description.
func functions(c Config, ep endpoints, resources map[deploy.Resource]string) []invoke.Function {
	sdk := map[string]string{
		"AWS_REGION":                region,
		"AWS_DEFAULT_REGION":        region,
		"AWS_ACCESS_KEY_ID":         "local",
		"AWS_SECRET_ACCESS_KEY":     "local",
		"AWS_ENDPOINT_URL_DYNAMODB": ep.DynamoDB,
		"AWS_ENDPOINT_URL_SQS":      ep.SQS,
		"AWS_ENDPOINT_URL_SESV2":    ep.SESv2,
	}
	settings := map[string]string{deploy.LogLevelVar.Name: c.LogLevel}
	fns := make([]invoke.Function, 0, len(deploy.Functions))
	for _, spec := range deploy.Functions {
		env := make(map[string]string, len(sdk)+len(spec.Env))
		for k, v := range sdk {
			env[k] = v
		}
		for _, v := range spec.Env {
			switch value, set := settings[v.Name]; {
			case !v.IsSetting():
				env[v.Name] = resources[v.Resource]
			case set && value != "":
				env[v.Name] = value
			default:
				env[v.Name] = v.Default
			}
		}
		fns = append(fns, invoke.Function{
			Name:        spec.Name,
			Bootstrap:   filepath.Join(c.BuildHost, spec.Name, "bootstrap"),
			Env:         env,
			Timeout:     spec.Timeout,
			MemoryMB:    spec.MemoryMB,
			Concurrency: c.concurrency(spec.Name),
		})
	}
	return fns
}

// concurrency is how many emulators (concurrent invocations) a function gets locally.
func (c Config) concurrency(name string) int {
	switch name {
	case deploy.StatusUpdater:
		return c.UpdaterConcurrency
	case deploy.StatusQuery, deploy.Ingest:
		return c.QueryConcurrency
	case deploy.StallSweep:
		return 2 // two sweeps may overlap, as in AWS when one runs long
	}
	return 1
}
