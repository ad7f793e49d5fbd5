package main

import (
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"testing"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// stubTable is the name of the status table behind the stub (and in the sample cursor's scope).
const stubTable = "status"

// sampleTime is when the samples of events/apigw were sent (their timeEpoch): the stub's clock,
// so the cursor it signs, the one in list-status-next-page.json, is the same on every run.
var sampleTime = time.UnixMilli(1795514406000).UTC()

// stubItem is a job of alice's in DynamoDB's wire format, started min minutes after t0.
func stubItem(id string, min int) string {
	at := fmt.Sprintf("2026-11-24T10:%02d:00.000000Z", min)
	return fmt.Sprintf(`{"user_id":{"S":%q},"request_id":{"S":%q},"status":{"S":"IN_PROGRESS"},`+
		`"timestamp":{"S":%q},"updated_at":{"S":%q},"progress":{"N":"42.5"},`+
		`"message":{"S":"epoch 3/10"},"started_at":{"S":%q},"in_progress_at":{"S":%q},`+
		`"first_report":{"S":"2026-11-24T09:59:00.000000Z#00000000000000000000"},"first_report_progress":{"N":"2.5"},`+
		`"last_event":{"S":"%s#00000000000000000000"},"expires_at":{"N":"1800000000"}}`, alice, id, at, at, at, at, at)
}

// stubHandler is a Handler over the in-process stub: one job for GetItem, a page of two jobs
// and a LastEvaluatedKey (of the local index by_started) for Query.
func stubHandler(t testing.TB) (*Handler, *ddbtest.Stub) {
	stub := ddbtest.NewStub().
		Respond("GetItem", 200, `{"Item":`+stubItem("job-clean-001", 5)+`}`).
		Respond("Query", 200, `{"Items":[`+stubItem("job-clean-002", 4)+`,`+stubItem("job-clean-003", 3)+`],"Count":2,"ScannedCount":2,`+
			`"LastEvaluatedKey":{"request_id":{"S":"job-clean-003"},"user_id":{"S":"`+alice+`"},"timestamp":{"S":"2026-11-24T10:03:00.000000Z"}}}`)
	now := func() time.Time { return sampleTime }
	h := &Handler{
		Jobs:   ddb.NewTable(stub.Client(), stubTable, tables.StatusSchema, ddb.WithCursorCodec(codecAt(t, now))),
		Users:  ddb.NewTable(stub.Client(), "users", tables.UserSchema),
		Log:    slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Budget: Budget, StallWindow: testWindow, Now: now,
	}
	return h, stub
}

// sampleCursor is the next_cursor the stub handler gives for alice's first page: the cursor of
// events/apigw/list-status-next-page.json.
func sampleCursor(t testing.TB) string {
	t.Helper()
	h, _ := stubHandler(t)
	resp := serve(t, h, listReq(t, "limit=2", alice))
	var body statusapi.JobList
	if err := json.Unmarshal([]byte(resp.Body), &body); err != nil || body.NextCursor == "" {
		t.Fatalf("stub list: %d %s %v", resp.StatusCode, resp.Body, err)
	}
	return body.NextCursor
}

// TestSampleCursorIsCurrent: the sample's cursor is the one the code makes today for the stub's
// table, the test secret and the samples' time (if the cursor format changes, paste the new one
// into the sample).
func TestSampleCursorIsCurrent(t *testing.T) {
	want := sampleCursor(t)
	req := loadRequest(t, "list-status-next-page.json")
	v, err := url.ParseQuery(req.RawQueryString)
	if err != nil || v.Get("cursor") != want || req.QueryStringParameters["cursor"] != want {
		t.Fatalf("list-status-next-page.json: cursor %q, want %q", v.Get("cursor"), want)
	}
	h, stub := stubHandler(t)
	resp := serve(t, h, req)
	if resp.StatusCode != 200 || stub.Calls("Query") != 1 {
		t.Errorf("the sample against the stub: %d %s", resp.StatusCode, resp.Body)
	}
}
