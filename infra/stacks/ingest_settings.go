package stacks

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

// Context keys of the ingest function's settings (issue 19).
const (
	CtxTokenCacheTTL    = "tokenCacheTtl"
	CtxIngestRateLimit  = "ingestRateLimit"
	CtxIngestRateWindow = "ingestRateWindow"
)

// The ingest settings join settingVars here, next to the rest of the ingest endpoint's infra.
func init() {
	settingVars[deploy.TokenCacheTTLVar.Name] = settingVar{CtxTokenCacheTTL, func(v string) error {
		if d, err := time.ParseDuration(v); err != nil || d < 0 || d > 10*time.Minute {
			return errors.New("must be a Go duration from 0s to 10m (the bound on revocation)")
		}
		return nil
	}}
	settingVars[deploy.IngestRateLimitVar.Name] = settingVar{CtxIngestRateLimit, func(v string) error {
		if n, err := strconv.Atoi(v); err != nil || n < statusapi.MaxIngestEvents || n > 1_000_000 {
			return fmt.Errorf("must be a whole number from %d (one full batch) to 1000000", statusapi.MaxIngestEvents)
		}
		return nil
	}}
	settingVars[deploy.IngestRateWindowVar.Name] = settingVar{CtxIngestRateWindow, func(v string) error {
		if d, err := time.ParseDuration(v); err != nil || d < time.Second || d > time.Hour || d%time.Second != 0 {
			return errors.New("must be whole seconds from 1s to 1h")
		}
		return nil
	}}
}

// roleARNRe is an IAM role ARN (with an optional path).
var roleARNRe = regexp.MustCompile(`^arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]{1,512}$`)

// readEventSenders reads CtxEventSenderRoles: role ARNs, each checked.
func (s *Settings) readEventSenders(list func(string) []string) []error {
	var errs []error
	for _, r := range list(CtxEventSenderRoles) {
		if !roleARNRe.MatchString(r) {
			errs = append(errs, fmt.Errorf("context %s: %q is not an IAM role ARN (arn:aws:iam::<account>:role/<name>)", CtxEventSenderRoles, r))
			continue
		}
		s.EventSenderRoles = append(s.EventSenderRoles, r)
	}
	return errs
}
