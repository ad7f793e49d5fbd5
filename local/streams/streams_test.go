package streams_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/trainstatus/trainstatus/local/eventfilter"
	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/internal/testenv"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/streams"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestMain(m *testing.M) { os.Exit(ddbtest.Main(m)) }

var quiet = slog.New(slog.NewJSONHandler(io.Discard, nil))

// reply is the fake function's answer to one invoke.
type reply struct {
	fnError bool
	failed  []int  // values of n to report in batchItemFailures
	raw     string // the answer as is, instead of a batch response
}

// function is a test function behind a fake Lambda Invoke API (the protocol invoke.Client
// speaks), for fault injection: respond decides each answer from the records' n values.
type function struct {
	calls   chan []int // the n values of each invoke, in order
	respond func(call int, ns []int) reply
	count   atomic.Int64
	client  invoke.Client
}

func newFunction(t *testing.T, respond func(call int, ns []int) reply) *function {
	t.Helper()
	f := &function{calls: make(chan []int, 10000), respond: respond}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/2015-03-31/functions/notifier/invocations" {
			http.Error(w, "unknown function", http.StatusNotFound)
			return
		}
		var ev events.DynamoDBEvent
		if err := json.NewDecoder(r.Body).Decode(&ev); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		ns := make([]int, len(ev.Records))
		seq := map[int]string{}
		for i, rec := range ev.Records {
			ns[i] = nOf(rec)
			seq[ns[i]] = rec.Change.SequenceNumber
		}
		rep := f.respond(int(f.count.Add(1)), ns)
		f.calls <- ns
		switch {
		case rep.fnError:
			w.Header().Set("X-Amz-Function-Error", "Unhandled")
			fmt.Fprint(w, `{"errorMessage":"injected","errorType":"errorString"}`)
		case rep.raw != "":
			fmt.Fprint(w, rep.raw)
		default:
			var resp events.DynamoDBEventResponse
			for _, n := range rep.failed {
				resp.BatchItemFailures = append(resp.BatchItemFailures, events.DynamoDBBatchItemFailure{ItemIdentifier: seq[n]})
			}
			_ = json.NewEncoder(w).Encode(resp)
		}
	}))
	t.Cleanup(srv.Close)
	f.client = invoke.Client{Endpoint: srv.URL}
	return f
}

// next waits for the next invoke and returns its n values.
func (f *function) next(t *testing.T) []int {
	t.Helper()
	select {
	case ns := <-f.calls:
		return ns
	case <-time.After(30 * time.Second):
		t.Fatal("no invoke within 30 s")
		return nil
	}
}

func nOf(rec events.DynamoDBEventRecord) int {
	n, _ := strconv.Atoi(rec.Change.NewImage["n"].Number())
	return n
}

// newTable creates a stream-enabled table (new and old images) keyed by id.
func newTable(t *testing.T, db *dynamodb.Client) string {
	t.Helper()
	name := ddbtest.TableName(t)
	_, err := db.CreateTable(context.Background(), &dynamodb.CreateTableInput{TableName: &name, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}},
		StreamSpecification:  &types.StreamSpecification{StreamEnabled: aws.Bool(true), StreamViewType: types.StreamViewTypeNewAndOldImages}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _, _ = db.DeleteTable(context.Background(), &dynamodb.DeleteTableInput{TableName: &name}) })
	return name
}

// put writes item id with n and status: an INSERT the first time, a MODIFY after.
func put(t *testing.T, db *dynamodb.Client, table, id string, n int, status string) {
	t.Helper()
	if err := write(db, table, id, n, status); err != nil {
		t.Fatal(err)
	}
}

func write(db *dynamodb.Client, table, id string, n int, status string) error {
	_, err := db.PutItem(context.Background(), &dynamodb.PutItemInput{TableName: &table, Item: map[string]types.AttributeValue{
		"id": &types.AttributeValueMemberS{Value: id}, "n": &types.AttributeValueMemberN{Value: strconv.Itoa(n)},
		"status": &types.AttributeValueMemberS{Value: status}}})
	return err
}

func span(from, to int) []int {
	var s []int
	for i := from; i <= to; i++ {
		s = append(s, i)
	}
	return s
}

func start(t *testing.T, cfg streams.Config, fn *function) *streams.Source {
	t.Helper()
	ep := ddbtest.Endpoint(t)
	cfg.Function, cfg.DynamoDB, cfg.Streams = "notifier", ddbtest.NewClient(ep), streams.NewClient(ep)
	cfg.PollInterval, cfg.RetryDelay = 10*time.Millisecond, time.Millisecond
	src, err := streams.Start(context.Background(), cfg, fn.client, quiet)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(src.Close)
	return src
}

// TestFilterDropsRecords: a job's progress records do not match the filter and are never
// invoked; the final one is, alone.
func TestFilterDropsRecords(t *testing.T) {
	db := ddbtest.Client(t)
	table := newTable(t, db)
	fn := newFunction(t, func(int, []int) reply { return reply{} })
	src := start(t, streams.Config{Table: table, StartingPosition: streams.Latest, BatchSize: 100,
		Filters: []string{`{"dynamodb": {"NewImage": {"status": {"S": ["SUCCESS", "FAILED"]}}}}`}}, fn)
	put(t, db, table, "job-1", 0, "RUNNING") // INSERT
	for i := 1; i <= 100; i++ {
		put(t, db, table, "job-1", i, "RUNNING") // 100 MODIFY
	}
	put(t, db, table, "job-1", 101, "SUCCESS")
	if got := fn.next(t); !slices.Equal(got, []int{101}) {
		t.Fatalf("first invoke carried n=%v, want only the final record [101]", got)
	}
	st := src.Stats()
	if st.Invocations != 1 || st.RecordsRead != 102 || st.RecordsFiltered != 101 {
		t.Errorf("stats %+v: want 1 invocation, 102 records read, 101 filtered", st)
	}
}

type discarded struct {
	ns      []int
	invokes int
	fnError bool
}

// TestDelivery runs the failure modes of a batch, each on its own table: the invokes the
// function sees, in order, and what reaches the on-failure queue. A marker record written last
// must come alone in the next invoke: nothing else was delivered, and nothing out of order.
func TestDelivery(t *testing.T) {
	tools := testenv.Tools(t)
	qs, err := fauxqs.Start(context.Background(), quiet, tools, "")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(qs.Stop)
	sqsClient := fauxqs.NewClient(qs.Endpoint)
	db := ddbtest.Client(t)
	cases := []struct {
		name        string
		records     int
		cfg         streams.Config
		respond     func(call int, ns []int) reply
		wantInvokes [][]int
		wantDiscard *discarded
	}{
		{name: "all succeed, in batches, in order", records: 25, cfg: streams.Config{BatchSize: 10},
			respond:     func(int, []int) reply { return reply{} },
			wantInvokes: [][]int{span(1, 10), span(11, 20), span(21, 25)}},
		{name: "partial failure retries from the lowest failed sequence number", records: 8, cfg: streams.Config{BatchSize: 8, MaxRetries: -1},
			respond: func(call int, _ []int) reply {
				if call == 1 {
					return reply{failed: []int{5, 3}}
				}
				return reply{}
			},
			wantInvokes: [][]int{span(1, 8), span(3, 8)}},
		{name: "function error retries the whole batch", records: 4, cfg: streams.Config{BatchSize: 4, MaxRetries: 3},
			respond:     func(call int, _ []int) reply { return reply{fnError: call == 1} },
			wantInvokes: [][]int{span(1, 4), span(1, 4)}},
		{name: "unknown item identifier fails the whole batch", records: 4, cfg: streams.Config{BatchSize: 4, MaxRetries: 3},
			respond: func(call int, _ []int) reply {
				if call == 1 {
					return reply{raw: `{"batchItemFailures":[{"itemIdentifier":"42"}]}`}
				}
				return reply{}
			},
			wantInvokes: [][]int{span(1, 4), span(1, 4)}},
		{name: "null item identifier fails the whole batch", records: 3, cfg: streams.Config{BatchSize: 3, MaxRetries: 3},
			respond: func(call int, _ []int) reply {
				if call == 1 {
					return reply{raw: `{"batchItemFailures":[{"itemIdentifier":null}]}`}
				}
				return reply{raw: "null"}
			},
			wantInvokes: [][]int{span(1, 3), span(1, 3)}},
		{name: "bisect isolates a poison record, retries it, then discards it", records: 4,
			cfg: streams.Config{BatchSize: 4, BisectOnError: true, MaxRetries: 1},
			respond: func(_ int, ns []int) reply {
				return reply{fnError: slices.Contains(ns, 3)}
			},
			wantInvokes: [][]int{span(1, 4), {1, 2}, {3, 4}, {3}, {3}, {4}},
			wantDiscard: &discarded{ns: []int{3}, invokes: 2, fnError: true}},
		{name: "retries exhausted by partial failures: the failing rest is discarded, the shard moves on", records: 4,
			cfg: streams.Config{BatchSize: 2, MaxRetries: 2},
			respond: func(_ int, ns []int) reply {
				if slices.Contains(ns, 2) {
					return reply{failed: []int{2}}
				}
				return reply{}
			},
			wantInvokes: [][]int{{1, 2}, {2}, {2}, {3, 4}},
			wantDiscard: &discarded{ns: []int{2}, invokes: 3}},
		{name: "bisect does not split a partial failure: only the rest is retried", records: 4,
			cfg: streams.Config{BatchSize: 4, BisectOnError: true, MaxRetries: 0},
			respond: func(_ int, ns []int) reply {
				if slices.Contains(ns, 3) {
					return reply{failed: []int{3}}
				}
				return reply{}
			},
			wantInvokes: [][]int{span(1, 4)},
			wantDiscard: &discarded{ns: []int{3, 4}, invokes: 1}},
	}
	const marker = 1000
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q, err := fauxqs.Create(context.Background(), sqsClient, fauxqs.Queues{Name: fmt.Sprintf("notifier-failures-%d", i),
				DeadLetterName: fmt.Sprintf("unused-%d", i), MaxReceiveCount: 5, VisibilityTimeout: 30 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			table := newTable(t, db)
			for n := 1; n <= tc.records; n++ {
				put(t, db, table, fmt.Sprintf("item-%d", n), n, "RUNNING")
			}
			respond := func(call int, ns []int) reply {
				if slices.Contains(ns, marker) {
					return reply{}
				}
				return tc.respond(call, ns)
			}
			fn := newFunction(t, respond)
			cfg := tc.cfg
			cfg.Table, cfg.StartingPosition, cfg.OnFailureQueueURL, cfg.SQS = table, streams.TrimHorizon, q.URL, sqsClient
			src := start(t, cfg, fn)
			for j, want := range tc.wantInvokes {
				if got := fn.next(t); !slices.Equal(got, want) {
					t.Fatalf("invoke %d carried n=%v, want %v", j+1, got, want)
				}
			}
			put(t, db, table, "marker", marker, "RUNNING")
			if got := fn.next(t); !slices.Equal(got, []int{marker}) {
				t.Fatalf("after the expected invokes came n=%v, want the marker alone", got)
			}
			// The discard happened before the marker was read (one batch at a time per shard).
			out, err := sqsClient.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &q.URL, MaxNumberOfMessages: 10})
			if err != nil {
				t.Fatal(err)
			}
			if tc.wantDiscard == nil {
				if len(out.Messages) != 0 {
					t.Fatalf("on-failure queue holds %d messages, want none: %s", len(out.Messages), *out.Messages[0].Body)
				}
				return
			}
			if len(out.Messages) != 1 {
				t.Fatalf("on-failure queue holds %d messages, want 1", len(out.Messages))
			}
			checkDiscard(t, *out.Messages[0].Body, src.StreamARN(), seqOf(t, table), *tc.wantDiscard)
		})
	}
}

// seqOf returns a function giving the sequence number of the record that wrote n, read from the
// stream (TRIM_HORIZON) through a second source that only records.
func seqOf(t *testing.T, table string) func(int) string {
	t.Helper()
	got := map[int]string{}
	var mu sync.Mutex
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var ev events.DynamoDBEvent
		_ = json.NewDecoder(r.Body).Decode(&ev)
		mu.Lock()
		for _, rec := range ev.Records {
			got[nOf(rec)] = rec.Change.SequenceNumber
			if nOf(rec) == 1000 {
				close(done)
			}
		}
		mu.Unlock()
	}))
	defer srv.Close()
	ep := ddbtest.Endpoint(t)
	reader, err := streams.Start(context.Background(), streams.Config{Table: table, Function: "recorder", StartingPosition: streams.TrimHorizon,
		BatchSize: 1000, DynamoDB: ddbtest.NewClient(ep), Streams: streams.NewClient(ep), PollInterval: 10 * time.Millisecond},
		invoke.Client{Endpoint: srv.URL}, quiet)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatal("recorder did not read the stream")
	}
	return func(n int) string { mu.Lock(); defer mu.Unlock(); return got[n] }
}

func checkDiscard(t *testing.T, body, streamARN string, seq func(int) string, want discarded) {
	t.Helper()
	var rec streams.OnFailureRecord
	if err := json.Unmarshal([]byte(body), &rec); err != nil {
		t.Fatalf("on-failure message %s: %v", body, err)
	}
	// Every field Lambda sends is present, none more.
	var keys map[string]map[string]any
	_ = json.Unmarshal([]byte(body), &keys)
	for part, want := range map[string][]string{
		"requestContext":     {"approximateInvokeCount", "condition", "functionArn", "requestId"},
		"DDBStreamBatchInfo": {"approximateArrivalOfFirstRecord", "approximateArrivalOfLastRecord", "batchSize", "endSequenceNumber", "shardId", "startSequenceNumber", "streamArn"},
	} {
		var got []string
		for k := range keys[part] {
			got = append(got, k)
		}
		slices.Sort(got)
		if !slices.Equal(got, want) {
			t.Errorf("%s has keys %v, want %v", part, got, want)
		}
	}
	info := rec.DDBStreamBatchInfo
	wantFnError := ""
	if want.fnError {
		wantFnError = "Unhandled"
	}
	checks := []struct {
		what      string
		got, want any
	}{
		{"condition", rec.RequestContext.Condition, "RetryAttemptsExhausted"},
		{"functionArn", rec.RequestContext.FunctionARN, "arn:aws:lambda:us-east-1:000000000000:function:notifier"},
		{"approximateInvokeCount", rec.RequestContext.ApproximateInvokeCount, want.invokes},
		{"statusCode", rec.ResponseContext.StatusCode, 200},
		{"executedVersion", rec.ResponseContext.ExecutedVersion, "$LATEST"},
		{"functionError", rec.ResponseContext.FunctionError, wantFnError},
		{"version", rec.Version, "1.0"},
		{"startSequenceNumber", info.StartSequenceNumber, seq(want.ns[0])},
		{"endSequenceNumber", info.EndSequenceNumber, seq(want.ns[len(want.ns)-1])},
		{"batchSize", info.BatchSize, len(want.ns)},
		{"streamArn", info.StreamARN, streamARN},
		{"shardId prefix", strings.HasPrefix(info.ShardID, "shardId-"), true},
		{"requestId length", len(rec.RequestContext.RequestID), 36},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.what, c.got, c.want)
		}
	}
	for _, ts := range []string{rec.Timestamp, info.ApproximateArrivalOfFirstRecord, info.ApproximateArrivalOfLastRecord} {
		if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("timestamp %q: %v", ts, err)
		}
	}
}

// TestOrderUnderFaults writes records while the source runs and has the function fail at
// random (function errors, partial failures), with bisect and unbounded retries: every invoke
// starts at the first record not yet processed, and the processed records are each record once,
// in the order written.
func TestOrderUnderFaults(t *testing.T) {
	db := ddbtest.Client(t)
	table := newTable(t, db)
	const total = 300
	rng := rand.New(rand.NewPCG(14, 2026))
	var processed []int
	var mu sync.Mutex
	var outOfOrder []string
	fn := newFunction(t, func(_ int, ns []int) reply {
		mu.Lock()
		defer mu.Unlock()
		if ns[0] != len(processed)+1 {
			outOfOrder = append(outOfOrder, fmt.Sprintf("invoke %v after %d processed", ns, len(processed)))
		}
		switch p := rng.IntN(10); {
		case p < 2:
			return reply{fnError: true}
		case p < 4:
			at := rng.IntN(len(ns))
			processed = append(processed, ns[:at]...)
			return reply{failed: []int{ns[at]}}
		}
		processed = append(processed, ns...)
		return reply{}
	})
	src := start(t, streams.Config{Table: table, StartingPosition: streams.Latest, BatchSize: 7, BatchingWindow: 20 * time.Millisecond,
		BisectOnError: true, MaxRetries: -1}, fn)
	writeErr := make(chan error, 1)
	go func() {
		for n := 1; n <= total; n++ {
			if err := write(db, table, fmt.Sprintf("item-%d", n%37), n, "RUNNING"); err != nil {
				writeErr <- err
				return
			}
		}
		writeErr <- nil
	}()
	if err := <-writeErr; err != nil {
		t.Fatal(err)
	}
	for {
		fn.next(t)
		mu.Lock()
		done := len(processed)
		mu.Unlock()
		if done >= total {
			break
		}
	}
	if len(outOfOrder) > 0 {
		t.Errorf("invokes not starting at the first unprocessed record: %v", outOfOrder)
	}
	if !slices.Equal(processed, span(1, total)) {
		t.Fatalf("processed %d records out of order or twice: %v", len(processed), processed)
	}
	st := src.Stats()
	if st.RecordsRead != total || st.BatchesDiscarded != 0 {
		t.Errorf("stats %+v: want %d records read, none discarded", st, total)
	}
	t.Logf("%d records in %d invokes", total, st.Invocations)
}

// TestStartRefuses: a mapping Lambda would refuse, or a table without a stream.
func TestStartRefuses(t *testing.T) {
	ep := ddbtest.Endpoint(t)
	db := ddbtest.NewClient(ep)
	plain := ddbtest.TableName(t) + "-nostream"
	if _, err := db.CreateTable(context.Background(), &dynamodb.CreateTableInput{TableName: &plain, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("id"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema:            []types.KeySchemaElement{{AttributeName: aws.String("id"), KeyType: types.KeyTypeHash}}}); err != nil {
		t.Fatal(err)
	}
	withStream := newTable(t, db)
	good := streams.Config{Table: withStream, Function: "notifier", StartingPosition: streams.Latest, DynamoDB: db, Streams: streams.NewClient(ep)}
	cases := []struct {
		name   string
		change func(*streams.Config)
		want   []error
	}{
		{"no function", func(c *streams.Config) { c.Function = "" }, []error{streams.ErrConfig}},
		{"no starting position", func(c *streams.Config) { c.StartingPosition = "" }, []error{streams.ErrConfig}},
		{"batch size too large", func(c *streams.Config) { c.BatchSize = 10001 }, []error{streams.ErrConfig}},
		{"retries below -1", func(c *streams.Config) { c.MaxRetries = -2 }, []error{streams.ErrConfig}},
		{"on-failure queue without a client", func(c *streams.Config) { c.OnFailureQueueURL = "http://q" }, []error{streams.ErrConfig}},
		{"invalid filter", func(c *streams.Config) { c.Filters = []string{`{"eventName": "MODIFY"}`} },
			[]error{streams.ErrConfig, eventfilter.ErrInvalidPattern}},
		{"table without a stream", func(c *streams.Config) { c.Table = plain }, []error{streams.ErrNoStream}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg := good
			tc.change(&cfg)
			src, err := streams.Start(context.Background(), cfg, invoke.Client{Endpoint: "http://127.0.0.1:1"}, quiet)
			if err == nil {
				src.Close()
				t.Fatal("Start succeeded")
			}
			for _, w := range tc.want {
				if !errors.Is(err, w) {
					t.Errorf("error %v does not wrap %v", err, w)
				}
			}
		})
	}
}

// TestClosedShardEnds disables the stream: its shard closes, the reader reads it to its end,
// delivers what was left and stops; Close then returns even with a function failing forever.
func TestClosedShardEnds(t *testing.T) {
	db := ddbtest.Client(t)
	table := newTable(t, db)
	fn := newFunction(t, func(_ int, ns []int) reply { return reply{fnError: slices.Contains(ns, 99)} })
	src := start(t, streams.Config{Table: table, StartingPosition: streams.Latest, BatchSize: 10, MaxRetries: -1}, fn)
	put(t, db, table, "a", 1, "RUNNING")
	if got := fn.next(t); !slices.Equal(got, []int{1}) {
		t.Fatalf("invoke carried n=%v, want [1]", got)
	}
	put(t, db, table, "a", 2, "RUNNING")
	if _, err := db.UpdateTable(context.Background(), &dynamodb.UpdateTableInput{TableName: &table,
		StreamSpecification: &types.StreamSpecification{StreamEnabled: aws.Bool(false)}}); err != nil {
		t.Fatal(err)
	}
	if got := fn.next(t); !slices.Equal(got, []int{2}) {
		t.Fatalf("invoke carried n=%v, want [2]", got)
	}
	guard := time.After(30 * time.Second) // a deadlock guard, not a measurement
	for {
		ended := src.ShardEnded() // before the check, so the end cannot slip between the two
		if src.Stats().ShardsDone == 1 {
			break
		}
		select {
		case <-ended:
		case <-guard:
			t.Fatalf("shard never ended: %+v", src.Stats())
		}
	}

	// A second source on a live stream whose function fails forever: Close still returns.
	other := newTable(t, db)
	stuck := newFunction(t, func(int, []int) reply { return reply{fnError: true} })
	src2 := start(t, streams.Config{Table: other, StartingPosition: streams.Latest, MaxRetries: -1}, stuck)
	put(t, db, other, "a", 99, "RUNNING")
	stuck.next(t)
	stuck.next(t) // retrying
	closed := make(chan struct{})
	go func() { src2.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(30 * time.Second):
		t.Fatal("Close did not return while a batch was being retried")
	}
}
