package stack

import (
	"path/filepath"

	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// functions are the three functions with the environment infra/ gives them, plus the local
// endpoints and dummy credentials, and the memory and timeout of pkg/deploy.
func functions(c Config, sqsEndpoint, ddbEndpoint, deadLetterURL string) []invoke.Function {
	common := map[string]string{
		"AWS_REGION":                "us-east-1",
		"AWS_DEFAULT_REGION":        "us-east-1",
		"AWS_ACCESS_KEY_ID":         "local",
		"AWS_SECRET_ACCESS_KEY":     "local",
		"AWS_ENDPOINT_URL_DYNAMODB": ddbEndpoint,
		"AWS_ENDPOINT_URL_SQS":      sqsEndpoint,
		deploy.EnvLogLevel:          c.LogLevel,
	}
	env := func(extra map[string]string) map[string]string {
		m := map[string]string{}
		for k, v := range common {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	fn := func(spec deploy.Function, concurrency int, extra map[string]string) invoke.Function {
		return invoke.Function{
			Name:        spec.Name,
			Bootstrap:   filepath.Join(c.BuildHost, spec.Name, "bootstrap"),
			Env:         env(extra),
			Timeout:     spec.Timeout,
			MemoryMB:    spec.MemoryMB,
			Concurrency: concurrency,
		}
	}
	return []invoke.Function{
		fn(deploy.StatusUpdaterFunction, c.UpdaterConcurrency, map[string]string{
			tables.EnvStatusTable:        c.StatusTable,
			deploy.EnvDeadLetterQueueURL: deadLetterURL,
		}),
		fn(deploy.UserSignupFunction, 1, map[string]string{tables.EnvUserTable: c.UserTable}),
		fn(deploy.StatusQueryFunction, c.QueryConcurrency, map[string]string{
			tables.EnvStatusTable:  c.StatusTable,
			deploy.EnvCursorSecret: c.CursorSecret,
		}),
	}
}
