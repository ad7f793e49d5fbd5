package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tokenstore"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

// testSecret signs cursors in the tests, the benchmarks and the sample list-status-next-page.json.
const testSecret = "trainstatus-sample-cursor-secret-not-for-production"

const (
	alice = "3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b" // the sub of the samples
	bob   = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

// t0 is when the tests' jobs start; the fixture's clock reads fixtureNow unless a test moves it.
var (
	t0         = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
	fixtureNow = t0.Add(10 * time.Minute)
)

// testWindow is the fixture's stall window: the default.
const testWindow = job.DefaultStallWindow

// codecAt is a cursor codec with the test secret (and any other option) on the clock now.
func codecAt(t testing.TB, now func() time.Time, opts ...ddb.CursorOption) *ddb.CursorCodec {
	t.Helper()
	c, err := ddb.NewCursorCodec([]byte(testSecret), append([]ddb.CursorOption{ddb.WithClock(now)}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fixture is a Handler over both tables in DynamoDB Local, through a counting, fault-injecting
// client, on a clock the test sets.
type fixture struct {
	t     *testing.T
	ddb   *ddbtest.Spy
	jobs  *ddb.Table[tables.StatusItem]
	users *ddb.Table[tables.UserItem]
	h     *Handler
	logs  *bytes.Buffer
	now   time.Time
}

func newFixture(t *testing.T) *fixture {
	f := &fixture{t: t, ddb: ddbtest.NewSpy(ddbtest.Client(t)), logs: &bytes.Buffer{}, now: fixtureNow}
	f.jobs = ddbtest.NewTableWithClient(t, f.ddb, tables.StatusSchema, ddb.WithCursorCodec(codecAt(t, f.clock)))
	f.users = ddbtest.NewTableWithClient(t, f.ddb, tables.UserSchema)
	tokens := tokenstore.New(ddbtest.NewTableWithClient(t, f.ddb, tables.TokenSchema), f.users)
	tokens.Now = f.clock
	f.h = &Handler{
		Jobs: f.jobs, Users: f.users, Tokens: tokens, Log: slog.New(slog.NewJSONHandler(f.logs, nil)),
		Budget: Budget, StallWindow: testWindow, Now: f.clock,
	}
	return f
}

func (f *fixture) clock() time.Time { return f.now }

// item is a stored job of user's, started at t0 + started minutes and last heard from at t0 +
// updated minutes, with one progress report.
func item(id, user string, status job.Status, started, updated int) tables.StatusItem {
	p := 42.5
	start := job.FormatTime(t0.Add(time.Duration(started) * time.Minute))
	at := job.FormatTime(t0.Add(time.Duration(updated) * time.Minute))
	return tables.StatusItem{
		UserID: user, RequestID: id, Status: status, Timestamp: start, UpdatedAt: at,
		Progress: &p, Message: "epoch 3/10", StartedAt: start, InProgressAt: at,
		LastEvent: at + "#00000000000000000000", ExpiresAt: 1800000000,
	}
}

// seed writes items directly (not through the counting client).
func (f *fixture) seed(items ...tables.StatusItem) {
	f.t.Helper()
	plain := ddb.NewTable(ddbtest.Client(f.t), f.jobs.Name(), tables.StatusSchema)
	for _, it := range items {
		if err := plain.Put(it).Run(context.Background()); err != nil {
			f.t.Fatal(err)
		}
	}
}

// track applies events through the real tracker (on the fixture's clock), as status-updater
// does, so that the stored item is the one production writes.
func (f *fixture) track(evs ...trainevent.Event) {
	f.t.Helper()
	plain := ddb.NewTable(ddbtest.Client(f.t), f.jobs.Name(), tables.StatusSchema)
	tr := tracker.New(plain, 0, tracker.WithClock(f.clock))
	for _, ev := range evs {
		if _, err := tr.Apply(context.Background(), ev); err != nil {
			f.t.Fatalf("apply %+v: %v", ev, err)
		}
	}
}

// event is a training event of alice's job id at t0 + min minutes.
func event(id string, status job.Status, min int, progress ...float64) trainevent.Event {
	ev := trainevent.Event{RequestID: id, UserID: alice, Status: status, EventTime: t0.Add(time.Duration(min) * time.Minute)}
	if len(progress) > 0 {
		ev.Progress = &progress[0]
	}
	return ev
}

// do serves req as Lambda would and checks what every response must have.
func (f *fixture) do(req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	f.t.Helper()
	return serve(f.t, f.h, req)
}

func serve(t testing.TB, h *Handler, req events.APIGatewayV2HTTPRequest) events.APIGatewayV2HTTPResponse {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "lambda-req-1"})
	resp, err := h.Handle(ctx, req)
	if err != nil {
		t.Fatalf("Handle returned an error: %v", err)
	}
	if resp.Headers["Content-Type"] != "application/json" || resp.Headers["Cache-Control"] != "no-store" {
		t.Errorf("%d response headers %v lack Content-Type: application/json or Cache-Control: no-store", resp.StatusCode, resp.Headers)
	}
	if resp.StatusCode != 304 && resp.StatusCode != 204 && !json.Valid([]byte(resp.Body)) {
		t.Errorf("%d response body is not JSON: %q", resp.StatusCode, resp.Body)
	}
	return resp
}

// errorCode returns the code of an error body ("" if it is not one).
func errorCode(t testing.TB, resp events.APIGatewayV2HTTPResponse) string {
	t.Helper()
	var body statusapi.ErrorBody
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	if resp.StatusCode >= 400 && (body.Error.Code == "" || body.Error.Message == "") {
		t.Errorf("%d error body %q lacks code or message", resp.StatusCode, resp.Body)
	}
	return body.Error.Code
}

// decodeJob reads a 200 body as the API's Job.
func decodeJob(t testing.TB, resp events.APIGatewayV2HTTPResponse) statusapi.Job {
	t.Helper()
	var j statusapi.Job
	if resp.StatusCode != 200 {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	dec := json.NewDecoder(strings.NewReader(resp.Body))
	dec.DisallowUnknownFields() // the body is statusapi.Job, nothing more
	if err := dec.Decode(&j); err != nil {
		t.Fatalf("body %s: %v", resp.Body, err)
	}
	return j
}

// loadRequest reads a sample from events/apigw.
func loadRequest(t testing.TB, name string) events.APIGatewayV2HTTPRequest {
	return samples.Load[events.APIGatewayV2HTTPRequest](t, "apigw", name)
}

// getReq is get-status.json for another id (raw, as it would appear in the path) and user.
func getReq(t testing.TB, rawID, user string) events.APIGatewayV2HTTPRequest {
	req := loadRequest(t, "get-status.json")
	req.RawPath = "/status/" + rawID
	req.RequestContext.HTTP.Path = req.RawPath
	req.PathParameters = map[string]string{"request_id": rawID}
	req.RequestContext.Authorizer.JWT.Claims["sub"] = user
	return req
}

// listReq is list-status.json with another query string and user.
func listReq(t testing.TB, query, user string) events.APIGatewayV2HTTPRequest {
	req := loadRequest(t, "list-status.json")
	req.RawQueryString = query
	req.QueryStringParameters = nil
	req.RequestContext.Authorizer.JWT.Claims["sub"] = user
	return req
}
