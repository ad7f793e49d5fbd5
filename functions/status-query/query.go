package main

import (
	"net/url"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/job"
)

// Page sizes of GET /status.
const (
	DefaultLimit = 20
	MaxLimit     = 100
)

// ListQuery is a checked GET /status query.
type ListQuery struct {
	Limit  int
	Cursor string     // "" for the first page; length-checked only: pkg/ddb verifies it
	Status job.Status // "" for every status
}

// rawQuery is the request's query string: rawQueryString, or, when an integration gives only the
// parsed parameters, those re-encoded.
func rawQuery(req events.APIGatewayV2HTTPRequest) string {
	if req.RawQueryString != "" || len(req.QueryStringParameters) == 0 {
		return req.RawQueryString
	}
	v := url.Values{}
	for k, s := range req.QueryStringParameters {
		v.Set(k, s)
	}
	return v.Encode()
}

// parseListQuery checks limit (1 to MaxLimit, default DefaultLimit), status (job.ParseStatus:
// any ASCII case, legacy spellings too) and the form of cursor. A parameter given twice is refused;
// an empty one counts as absent; unknown ones are ignored.
func parseListQuery(raw string) (ListQuery, *apiError) {
	q := ListQuery{Limit: DefaultLimit}
	values, err := url.ParseQuery(raw)
	if err != nil {
		return q, badRequest(CodeInvalidQuery, "the query string cannot be parsed")
	}
	for name, code := range map[string]string{"limit": CodeInvalidLimit, "cursor": CodeInvalidCursor, "status": CodeInvalidStatus} {
		if len(values[name]) > 1 {
			return q, badRequest(code, name+" is given more than once")
		}
	}
	if s := values.Get("limit"); s != "" {
		n, ok := parseLimit(s)
		if !ok {
			return q, badRequest(CodeInvalidLimit, "limit must be an integer from 1 to 100")
		}
		q.Limit = n
	}
	if s := values.Get("status"); s != "" {
		st, ok := job.ParseStatus(s)
		if !ok {
			return q, badRequest(CodeInvalidStatus, "status "+job.MustBeOneOf)
		}
		q.Status = st
	}
	if s := values.Get("cursor"); s != "" {
		if !cursorWithinBound(s) {
			return q, errInvalidCursor
		}
		q.Cursor = s
	}
	return q, nil
}

// parseLimit accepts 1 to MaxLimit in plain decimal digits (no sign, no spaces).
func parseLimit(s string) (int, bool) {
	if len(s) > 3 {
		return 0, false
	}
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
		n = n*10 + int(s[i]-'0')
	}
	return n, n >= 1 && n <= MaxLimit
}
