package main

import (
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// ErrConfig: the function's environment is missing something or holds a value it cannot use.
var ErrConfig = errors.New("ingest: misconfigured")

type config struct {
	tokensTable, rateTable, queueURL string
	cacheTTL                         time.Duration
	rateLimit                        int64
	rateWindow                       time.Duration
}

// readConfig reads and checks the variables deploy.IngestFunction declares; errors wrap ErrConfig
// and name the variable.
func readConfig(getenv func(string) string) (config, error) {
	var c config
	for _, v := range []struct {
		name string
		dst  *string
	}{{deploy.TokensTableVar.Name, &c.tokensTable}, {deploy.RateLimitTableVar.Name, &c.rateTable}, {deploy.EventsQueueVar.Name, &c.queueURL}} {
		if *v.dst = getenv(v.name); *v.dst == "" {
			return c, fmt.Errorf("%w: %s must be set", ErrConfig, v.name)
		}
	}
	setting := func(v deploy.Var) string {
		if s := getenv(v.Name); s != "" {
			return s
		}
		return v.Default
	}
	var err error
	s := setting(deploy.TokenCacheTTLVar)
	if c.cacheTTL, err = time.ParseDuration(s); err != nil || c.cacheTTL < 0 {
		return c, fmt.Errorf("%w: %s=%q: want a duration such as %s (0 for no cache)", ErrConfig, deploy.TokenCacheTTLVar.Name, s, deploy.TokenCacheTTLVar.Default)
	}
	s = setting(deploy.IngestRateLimitVar)
	if c.rateLimit, err = strconv.ParseInt(s, 10, 64); err != nil || c.rateLimit < statusapi.MaxIngestEvents {
		return c, fmt.Errorf("%w: %s=%q: want a whole number of at least %d (one full batch)", ErrConfig, deploy.IngestRateLimitVar.Name, s, statusapi.MaxIngestEvents)
	}
	s = setting(deploy.IngestRateWindowVar)
	if c.rateWindow, err = time.ParseDuration(s); err != nil || c.rateWindow < time.Second || c.rateWindow%time.Second != 0 {
		return c, fmt.Errorf("%w: %s=%q: want whole seconds, at least 1s, such as %s", ErrConfig, deploy.IngestRateWindowVar.Name, s, deploy.IngestRateWindowVar.Default)
	}
	return c, nil
}
