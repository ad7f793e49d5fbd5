package main

import (
	"time"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
)

// counts are one request's outcomes, written as one EMF line (every name every time, zeros
// included, so alarms and dashboards see a continuous series). The alarms watch Errors (5xx other
// than 503), Retry (events not enqueued) and RateLimited.
type counts struct {
	accepted, refused, retry                    int
	unauthorized, rateLimited, tooLarge, errors int
	tokenLookups, touches                       int
}

// Metric names.
const (
	MetricAccepted     = "Accepted"
	MetricRefused      = "Refused"
	MetricRetry        = deploy.IngestMetricRetry
	MetricUnauthorized = "Unauthorized"
	MetricRateLimited  = deploy.IngestMetricRateLimited
	MetricTooLarge     = "TooLarge"
	MetricErrors       = deploy.IngestMetricErrors
	MetricTokenLookups = "TokenLookups"
	MetricTouches      = "TokenTouches"
)

func (c counts) write(w *emf.Writer, took time.Duration) {
	n := func(name string, v int) emf.Metric { return emf.Metric{Name: name, Value: int64(v), Unit: emf.Count} }
	w.Write(
		n("Requests", 1), n(MetricAccepted, c.accepted), n(MetricRefused, c.refused), n(MetricRetry, c.retry),
		n(MetricUnauthorized, c.unauthorized), n(MetricRateLimited, c.rateLimited), n(MetricTooLarge, c.tooLarge),
		n(MetricErrors, c.errors), n(MetricTokenLookups, c.tokenLookups), n(MetricTouches, c.touches),
		emf.Metric{Name: "DurationMs", Value: took.Milliseconds(), Unit: emf.Milliseconds},
	)
}
