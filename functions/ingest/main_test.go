package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/trainstatus/trainstatus/internal/sqsfake"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/emf"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/retry"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/token"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

const (
	alice    = "3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b"
	bob      = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
	queueURL = "http://sqs.us-east-1.localhost:4566/000000000000/training-events"
)

// t0 is the fixture's clock at start: the middle of a rate window, far in the future, so that
// DynamoDB Local's TTL sweep (real clock) never deletes a window item during a test.
var t0 = time.Date(2099, 12, 7, 10, 0, 30, 0, time.UTC)

// fixture is a Handler over DynamoDB Local (through a counting spy) and an in-memory SQS, on a
// clock the test moves.
type fixture struct {
	t     testing.TB
	spy   *ddbtest.Spy
	store *tokenstore.Store
	sqs   *sqsfake.Fake
	h     *Handler
	logs  *bytes.Buffer
	mu    sync.Mutex
	now   time.Time
}

type options struct {
	ttl   time.Duration
	limit int64
}

func newFixture(t testing.TB, o options) *fixture {
	if o.limit == 0 {
		o.limit = 600
	}
	f := &fixture{t: t, spy: ddbtest.NewSpy(ddbtest.Client(t)), sqs: sqsfake.New(), logs: &bytes.Buffer{}, now: t0}
	users := ddbtest.NewTableWithClient(t, f.spy, tables.UserSchema)
	f.store = tokenstore.New(ddbtest.NewTableWithClient(t, f.spy, tables.TokenSchema), users)
	f.store.Now = f.clock
	for _, u := range []string{alice, bob} {
		if err := users.Create(tables.UserItem{UserID: u, Timestamp: job.FormatTime(t0)}).Run(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
	queue := producer.New(f.sqs, queueURL)
	queue.Retry = retry.Policy{Attempts: 3, Base: time.Millisecond, Max: 2 * time.Millisecond}
	f.h = &Handler{
		Tokens:  NewAuthenticator(f.store, o.ttl, f.clock),
		Limiter: &WindowLimiter{Table: ddbtest.NewTableWithClient(t, f.spy, tables.RateWindowSchema), Limit: o.limit, Window: time.Minute, Now: f.clock},
		Queue:   queue,
		Log:     slog.New(slog.NewJSONHandler(f.logs, nil)),
		Metrics: emf.New(f.logs, emf.Namespace, "ingest"),
		Now:     f.clock,
	}
	return f
}

func (f *fixture) clock() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fixture) advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// token creates a token of user's and returns its secret.
func (f *fixture) token(user string) token.Secret {
	f.t.Helper()
	_, secret, err := f.store.Create(context.Background(), user, "test")
	if err != nil {
		f.t.Fatal(err)
	}
	return secret
}

// post is POST /v1/events as the HTTP API sends it, with an Authorization header when given.
func post(authorization, body string) events.APIGatewayV2HTTPRequest {
	req := events.APIGatewayV2HTTPRequest{RouteKey: deploy.RouteIngest, RawPath: deploy.IngestRoute.Path, Body: body,
		Headers: map[string]string{"content-type": "application/json"}}
	if authorization != "" {
		req.Headers["authorization"] = authorization
	}
	req.RequestContext.RouteKey = deploy.RouteIngest
	req.RequestContext.HTTP.Method = "POST"
	req.RequestContext.RequestID = "api-req-1"
	return req
}

func auth(s token.Secret) string { return "Bearer " + s.Reveal() }

// do serves req and checks what every answer has.
func (f *fixture) do(req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	f.t.Helper()
	ctx := lambdacontext.NewContext(context.Background(), &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-1"})
	resp, err := f.h.Handle(ctx, req)
	if err != nil {
		f.t.Fatalf("Handle: %v", err)
	}
	if resp.Headers["Content-Type"] != "application/json" || !json.Valid([]byte(resp.Body)) {
		f.t.Errorf("%d: headers %v, body %q", resp.StatusCode, resp.Headers, resp.Body)
	}
	return resp
}

func (f *fixture) results(resp events.APIGatewayV2HTTPResponse) statusapi.IngestResponse {
	f.t.Helper()
	var out statusapi.IngestResponse
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
		f.t.Fatalf("body %s: %v", resp.Body, err)
	}
	return out
}

// enqueued are the events in the queue, parsed as the status-updater parses them.
func (f *fixture) enqueued() []trainevent.Event {
	f.t.Helper()
	var out []trainevent.Event
	for _, m := range f.sqs.Messages(queueURL) {
		ev, err := trainevent.Parse([]byte(m.Body))
		if err != nil {
			f.t.Fatalf("enqueued %s: %v", m.Body, err)
		}
		out = append(out, ev)
	}
	return out
}

// event is a valid event body of job id, without user_id unless extra names one.
func event(id string, extra ...string) string {
	fields := []string{`"request_id":"` + id + `"`, `"status":"IN_PROGRESS"`, `"event_time":"2026-12-07T10:00:00Z"`, `"progress":42.5`}
	return "{" + strings.Join(append(fields, extra...), ",") + "}"
}

func batch(evs ...string) string { return `{"events":[` + strings.Join(evs, ",") + `]}` }

func errorCode(t *testing.T, resp events.APIGatewayV2HTTPResponse) string {
	t.Helper()
	var body statusapi.ErrorBody
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil || body.Error.Code == "" || body.Error.Message == "" {
		t.Fatalf("not an error body: %s", resp.Body)
	}
	return body.Error.Code
}

// calls counts the DynamoDB calls made through the fixture's spy since its last Reset.
func (f *fixture) calls(ops ...string) int64 { return f.spy.Calls(ops...) }
