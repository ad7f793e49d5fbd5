package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

// testSecret signs cursors in the tests, the benchmarks and the sample list-status-next-page.json.
const testSecret = "trainstatus-sample-cursor-secret-not-for-production"

const (
	alice = "3f1c2a9e-6b7d-4e8f-9a0b-1c2d3e4f5a6b" // the sub of the samples
	bob   = "9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d"
)

func testCodec(t testing.TB) *ddb.CursorCodec {
	c, err := newCursorCodec(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

type fixture struct {
	t     *testing.T
	ddb   *ddbtest.Spy
	table *ddb.Table[tables.StatusItem]
	h     *Handler
	logs  *bytes.Buffer
}

func newFixture(t *testing.T) *fixture {
	client := ddbtest.NewSpy(ddbtest.Client(t))
	table := ddbtest.NewTableWithClient(t, client, tables.StatusSchema, ddb.WithCursorCodec(testCodec(t)))
	f := &fixture{t: t, ddb: client, table: table, logs: &bytes.Buffer{}}
	f.h = &Handler{Jobs: TableStore{Table: table}, Log: slog.New(slog.NewJSONHandler(f.logs, nil)), Budget: Budget}
	return f
}

var t0 = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// job is a record of user's, last updated min minutes after t0.
func job(id, user string, status tables.Status, min int) tables.StatusItem {
	p := 42.5
	at := ddb.FormatTime(t0.Add(time.Duration(min) * time.Minute))
	return tables.StatusItem{
		RequestID: id, UserID: user, Status: status, Timestamp: ddb.FormatTime(t0), UpdatedAt: at,
		Progress: &p, Message: "epoch 3/10", StartedAt: ddb.FormatTime(t0), InProgressAt: at,
		LastEvent: at + "#00000000000000000000", ExpiresAt: 1800000000,
	}
}

// seed writes items directly (not through the counting client).
func (f *fixture) seed(items ...tables.StatusItem) {
	f.t.Helper()
	plain := ddb.NewTable(ddbtest.Client(f.t), f.table.Name(), tables.StatusSchema)
	for _, it := range items {
		if err := plain.Put(it).Run(context.Background()); err != nil {
			f.t.Fatal(err)
		}
	}
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
	if resp.StatusCode != 304 && !json.Valid([]byte(resp.Body)) {
		t.Errorf("%d response body is not JSON: %q", resp.StatusCode, resp.Body)
	}
	return resp
}

// errorCode returns the code of an error body ("" if it is not one).
func errorCode(t testing.TB, resp events.APIGatewayV2HTTPResponse) string {
	t.Helper()
	var body struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil {
		t.Fatalf("body %q: %v", resp.Body, err)
	}
	if resp.StatusCode >= 400 && (body.Error.Code == "" || body.Error.Message == "") {
		t.Errorf("%d error body %q lacks code or message", resp.StatusCode, resp.Body)
	}
	return body.Error.Code
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
