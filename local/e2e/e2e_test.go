package e2e

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/proc"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/dlqtool"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// visibilityTimeout of the test's queue: longer than a status-updater invocation whose writes all
// fail (each call gives up within 5.5 s: 3 attempts of at most 1.5 s, backoff at most 500 ms; and
// after one failure a request's later messages are not tried), so a message is redelivered only
// after its invocation reported it, and short enough for a quick test.
const visibilityTimeout = 8 * time.Second

// sesFailures is how many of status-notifier's first SendEmail calls the SES proxy fails.
const sesFailures = 2

// TestEndToEnd drives the whole local stack from the outside; see the package documentation.
func TestEndToEnd(t *testing.T) {
	begin := time.Now()
	noLeftovers(t)
	upstream := dynamoDB(t)
	run := uniqueName("e2e")
	faults := map[string]fault{}
	for _, j := range jobs {
		if j.fault != 0 {
			faults[requestID(run, j.name)] = j.fault
		}
	}
	proxy := startFaultProxy(t, upstream, faults)
	for _, j := range jobs {
		if j.crashAfterSend {
			proxy.FailMarkOnce(requestID(run, j.name))
		}
	}
	mail := startSESProxy(t, sesFailures)
	t.Cleanup(func() {
		proxy.Close()
		mail.Close()
		for _, addr := range []string{proxy.Addr, mail.Addr} {
			if err := proc.CheckFree(addr); err != nil {
				t.Errorf("fault proxy: %v", err)
			}
		}
	})
	st := startStack(t, stack.Config{DynamoDBEndpoint: proxy.URL, VisibilityTimeout: visibilityTimeout,
		FunctionEnv: map[string]map[string]string{deploy.StatusNotifier: {"AWS_ENDPOINT_URL_SESV2": mail.URL}}})
	s := st.State
	if err := mail.To(s.SESEndpoint); err != nil {
		t.Fatal(err)
	}
	t.Logf("stack ready after %v", time.Since(begin).Round(time.Millisecond))

	users := map[string]user{
		"ada":   signUp(t, s, "Ada@Example.com"),
		"bob":   signUp(t, s, "bob@example.com"),
		"carol": signUp(t, s, "carol@example.com"),
	}
	ada, bob, carol := users["ada"], users["bob"], users["carol"]
	t.Run("sign-up writes the user record", func(t *testing.T) {
		for _, u := range users {
			rec, err := userRecord(t, s, u.Sub)
			if err != nil {
				t.Fatalf("user %s: %v", u.Email, err)
			}
			if rec.UserID != u.Sub || rec.Email != strings.ToLower(u.Email) {
				t.Errorf("user record %+v; want user_id %s, email %s", rec, u.Sub, strings.ToLower(u.Email))
			}
			if _, err := job.ParseTime(rec.Timestamp); err != nil {
				t.Errorf("user record timestamp %q: %v", rec.Timestamp, err)
			}
		}
	})
	t.Run("a lost confirmation write is repaired at the next sign-in", func(t *testing.T) {
		testSignInRepair(t, s, proxy)
	})
	t.Run("carol turns job emails off", func(t *testing.T) {
		got := send(t, s.HTTPEndpoint, http.MethodPut, "/me/preferences", carol.Token, `{"email_notifications":false}`)
		if got.status != http.StatusOK || !strings.Contains(got.body, `"email_notifications":false`) {
			t.Fatalf("PUT /me/preferences: %d %s", got.status, got.body)
		}
	})

	// The stream: every job's events, shuffled with duplicates, and the poison messages.
	seed := uint64(time.Now().UnixNano())
	t.Logf("shuffle seed %d", seed)
	subs := map[string]string{}
	for name, u := range users {
		subs[name] = u.Sub
	}
	evs := jobEvents(run, subs, time.Now().Add(-time.Hour).Truncate(time.Millisecond))
	want := expectedRecords(t, upstream, evs)
	q := fauxqs.NewClient(s.SQSEndpoint)
	sender := producer.New(q, s.QueueURL)
	ctx := context.Background()
	stream := shuffledWithDuplicates(evs, rand.New(rand.NewPCG(seed, 1)))
	poisons := []struct{ body, reason string }{
		{`{"request_id":"` + run + `-poison","user_id":"` + ada.Sub + `","status":"STARTED",`, "invalid event: body"},
		{`{"request_id":"` + run + `-paused","user_id":"` + ada.Sub + `","status":"PAUSED","event_time":"` + job.FormatTime(time.Now()) + `","seq":1}`, "invalid event: status"},
		{`{"request_id":"` + run + `-ancient","user_id":"` + ada.Sub + `","status":"STARTED","event_time":"2020-01-01T00:00:00Z"}`, "retention"},
	}
	for i, e := range stream {
		if _, err := sender.Send(ctx, e); err != nil {
			t.Fatal(err)
		}
		if i < len(poisons) { // poison among the first messages, so it shares batches with good ones
			if _, err := q.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &s.QueueURL, MessageBody: &poisons[i].body}); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("sent %d events (%d distinct) and %d poison messages", len(stream), len(evs), len(poisons))

	// Faulted: every message received at least once, the faulted jobs' writes all refused.
	eventually(t, 20*time.Second, "every message received once, faulted jobs without a record", func() (bool, string) {
		visible, hidden := queueDepth(t, q, s.QueueURL)
		for id := range faults {
			if _, err := statusRecord(s, ada.Sub, id); !errors.Is(err, ddb.ErrNotFound) {
				t.Fatalf("faulted job %s has a record (%v): a write got through the fault", id, err)
			}
			if proxy.Failed(id) == 0 {
				return false, fmt.Sprintf("no write of %s refused yet", id)
			}
		}
		return visible == 0 && hidden > 0, fmt.Sprintf("%d visible, %d in flight", visible, hidden)
	})
	proxy.Lift()
	for id := range faults {
		t.Logf("faults lifted after %v: %d writes of %s refused", time.Since(begin).Round(time.Millisecond), proxy.Failed(id), id)
	}

	// Redelivered after the visibility timeout, the faulted jobs converge too.
	eventually(t, visibilityTimeout+20*time.Second, "status table equal to in-order delivery", func() (bool, string) {
		for k, w := range want {
			got, err := statusRecord(s, k.user, k.request)
			if err != nil || !reflect.DeepEqual(comparable(got), w) {
				return false, fmt.Sprintf("%s/%s: %s (err %v); want %s", k.user, k.request, show(got), err, show(w))
			}
		}
		return true, ""
	})
	t.Logf("converged after %v", time.Since(begin).Round(time.Millisecond))

	t.Run("dead-letter queue holds the poison with its reason", func(t *testing.T) {
		var got []string
		for m, err := range dlqtool.New(q, s.DeadLetterURL).Inspect(ctx) {
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, m.Body)
			var want string
			for _, p := range poisons {
				if p.body == m.Body {
					want = p.reason
				}
			}
			switch {
			case want == "":
				t.Errorf("unexpected dead letter (reason %q): %.200s", m.Reason, m.Body)
			case !strings.Contains(m.Reason, want):
				t.Errorf("dead letter %.60s: reason %q, want it to say %q", m.Body, m.Reason, want)
			case m.OriginalMessageID == "" || m.ReceiveCount != 1:
				t.Errorf("dead letter %.60s: original id %q, receive count %d; want an id and 1", m.Body, m.OriginalMessageID, m.ReceiveCount)
			}
		}
		if len(got) != len(poisons) {
			t.Errorf("dead-letter queue holds %d messages, want the %d poison ones", len(got), len(poisons))
		}
	})

	t.Run("the events queue is empty", func(t *testing.T) {
		if visible, hidden := queueDepth(t, q, s.QueueURL); visible+hidden != 0 {
			t.Errorf("%d visible and %d in-flight messages left", visible, hidden)
		}
	})

	t.Run("one email per finished job", func(t *testing.T) {
		testMail(t, s, proxy, mail, run, users, want)
	})

	t.Run("API", func(t *testing.T) {
		testAPI(t, s.HTTPEndpoint, ada, bob, run, want)
	})
	t.Logf("checked after %v", time.Since(begin).Round(time.Millisecond))
}

// statusRecord reads a job's record from the stack's status table.
func statusRecord(s stack.State, user, id string) (tables.StatusItem, error) {
	table := ddb.NewTable(ddbtest.NewClient(s.DynamoDBEndpoint), s.StatusTable, tables.StatusSchema)
	return table.Get(tables.StatusKey(user, id)).Consistent().One(context.Background())
}

// queueDepth returns the queue's visible and in-flight message counts.
func queueDepth(t testing.TB, q *sqs.Client, url string) (visible, hidden int) {
	t.Helper()
	out, err := q.GetQueueAttributes(context.Background(), &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages,
			types.QueueAttributeNameApproximateNumberOfMessagesNotVisible}})
	if err != nil {
		t.Fatal(err)
	}
	visible, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessages)])
	hidden, _ = strconv.Atoi(out.Attributes[string(types.QueueAttributeNameApproximateNumberOfMessagesNotVisible)])
	return visible, hidden
}

// eventually polls cond every 100 ms until it holds, failing the test with its last word after
// timeout.
func eventually(t testing.TB, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %v, not yet %s: %s", timeout, what, why)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// show writes a record as the test compares it.
func show(it tables.StatusItem) string { return fmt.Sprintf("%+v", comparable(it)) }
