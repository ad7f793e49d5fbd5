package main

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/trainstatus/trainstatus/internal/localaws"
	"github.com/trainstatus/trainstatus/internal/samples"
	"github.com/trainstatus/trainstatus/internal/syncbuf"
	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/ses"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// sesServer is one SES emulator for the package's tests (each test reads only its own mail, by
// recipient).
var sesServer *ses.Server

func TestMain(m *testing.M) {
	code := func() int {
		tools, err := deps.Find()
		if err == nil {
			sesServer, err = ses.Start(context.Background(), slog.New(slog.NewJSONHandler(io.Discard, nil)), tools, "")
		}
		if err != nil {
			// A missing emulator fails the run (make local-deps installs it), never skips it.
			os.Stderr.WriteString("status-notifier tests need the SES emulator: " + err.Error() + "\n")
			return 1
		}
		defer sesServer.Close()
		return ddbtest.Main(m)
	}()
	os.Exit(code)
}

// sesFault answers SendEmail with an SES error instead of passing it to the emulator, or, with
// hang, never answers (until the client abandons the attempt).
type sesFault struct {
	status int
	code   string // the error type SES names in X-Amzn-ErrorType
	hang   bool
}

// faultySES is a proxy in front of the emulator that injects SES's own error answers: the next
// ones queued (one per request, nil passing it on), then fault on every request while it is set.
type faultySES struct {
	url   string
	fault atomic.Pointer[sesFault]
	mu    sync.Mutex
	next  []*sesFault
	sends atomic.Int64 // SendEmail requests that reached it
}

// queue makes the next requests meet these faults, in order (nil: passed on).
func (f *faultySES) queue(faults ...*sesFault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next = append(f.next, faults...)
}

// take is the fault of the request now arriving.
func (f *faultySES) take() *sesFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.next) > 0 {
		fault := f.next[0]
		f.next = f.next[1:]
		return fault
	}
	return f.fault.Load()
}

func newFaultySES(t *testing.T) *faultySES {
	target, _ := url.Parse(sesServer.Endpoint())
	proxy := httputil.NewSingleHostReverseProxy(target)
	f := &faultySES{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.sends.Add(1)
		switch fault := f.take(); {
		case fault == nil:
			proxy.ServeHTTP(w, r)
		case fault.hang:
			// Read the request first: only then does the server notice the client closing the
			// connection when it gives up on this attempt.
			io.Copy(io.Discard, r.Body)
			<-r.Context().Done()
		default:
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("X-Amzn-ErrorType", fault.code)
			w.WriteHeader(fault.status)
			io.WriteString(w, `{"message":"injected `+fault.code+`"}`)
		}
	}))
	t.Cleanup(srv.Close)
	f.url = srv.URL
	return f
}

// fixture is a handler over fresh tables, the SES emulator behind a fault proxy, and a log.
type fixture struct {
	t     *testing.T
	h     *Handler
	spy   *ddbtest.Spy
	ses   *faultySES
	log   *syncbuf.Buffer
	users *ddb.Table[tables.UserItem]
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	spy := ddbtest.NewSpy(ddbtest.Client(t))
	f := &fixture{t: t, spy: spy, ses: newFaultySES(t), log: &syncbuf.Buffer{}}
	// The SES v2 client with the function's retries (main's Limits).
	cfg := localaws.Config(f.ses.url)
	cfg.Retryer = Limits.Retryer
	mailer := SES{Client: sesv2.NewFromConfig(cfg), From: "trainstatus@example.com"}
	f.users = ddbtest.NewTableWithClient(t, spy, tables.UserSchema)
	f.h = &Handler{
		Jobs:   ddbtest.NewTableWithClient(t, spy, tables.StatusSchema),
		Users:  f.users,
		Mailer: mailer,
		Page:   "https://tracker.example.com",
		Log:    slog.New(slog.NewJSONHandler(f.log, nil)),
		Now:    func() time.Time { return time.Date(2026, 11, 24, 10, 15, 0, 0, time.UTC) },
	}
	return f
}

// sample loads a stream event of events/dynamodb and stores the job its first record ends with,
// as the status table holds it when the record is delivered.
func (f *fixture) sample(name string) events.DynamoDBEvent {
	f.t.Helper()
	ev := samples.Load[events.DynamoDBEvent](f.t, "dynamodb", name)
	item, err := ddb.UnmarshalStreamImage[tables.StatusItem](ev.Records[0].Change.NewImage)
	if err != nil {
		f.t.Fatal(err)
	}
	if err := f.h.Jobs.Put(item).Run(context.Background()); err != nil {
		f.t.Fatal(err)
	}
	return ev
}

func (f *fixture) user(id, email string, wants *bool) {
	f.t.Helper()
	u := tables.UserItem{UserID: id, Email: email, Timestamp: "2026-11-01T00:00:00.000000Z", EmailNotifications: wants}
	if err := f.users.Put(u).Run(context.Background()); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) handle(ev events.DynamoDBEvent) events.DynamoDBEventResponse {
	f.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	resp, err := f.h.Handle(ctx, ev)
	if err != nil {
		f.t.Fatalf("Handle returned an error: %v (a stream handler reports failures per record)", err)
	}
	return resp
}

// mailTo returns the emails the emulator holds for an address.
func mailTo(t *testing.T, to string) []ses.Email {
	t.Helper()
	all, err := sesServer.Store.Emails(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var out []ses.Email
	for _, e := range all {
		for _, a := range e.To {
			if a == to {
				out = append(out, e)
			}
		}
	}
	return out
}

// notifiedAt reads the job's notification mark.
func (f *fixture) notifiedAt(ev events.DynamoDBEvent) string {
	f.t.Helper()
	item, err := ddb.UnmarshalStreamImage[tables.StatusItem](ev.Records[0].Change.NewImage)
	if err != nil {
		f.t.Fatal(err)
	}
	got, err := f.h.Jobs.Get(tables.StatusKey(item.UserID, item.RequestID)).Consistent().One(context.Background())
	if err != nil {
		f.t.Fatal(err)
	}
	return got.NotifiedAt
}

func ptr[T any](v T) *T { return &v }
