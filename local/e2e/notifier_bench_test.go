package e2e

// What a job costs in status-notifier invocations, and how long its owner waits for the email
// (issue 14's "Cost" and "Done when"): through the whole local stack, events sent to the real
// queue with pkg/producer, the status table's stream read by local/streams with
// deploy.NotifierSource's filter criteria, the mail read back from the SES emulator's store.
//
// Counting: the stream source counts records read, records its filter dropped and invocations
// since the stack started (stack.StreamStats). A job's cost is the difference of those counts
// around it, each taken when the source has caught up with the stream: it has read every record
// the stream holds (read here with the Streams API, independently of the source), and dropped
// every one of them that is not a job's transition into a final state.

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	streamtypes "github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/trainstatus/trainstatus/local/fauxqs"
	"github.com/trainstatus/trainstatus/local/ses"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/local/streams"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/producer"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// progressEvents is the number of IN_PROGRESS events of a measured job (the issue's "a job of 100
// progress events").
const progressEvents = 100

// latencyJobs is the number of jobs whose final event is timed per op of BenchmarkSendToEmail.
const latencyJobs = 20

// streamPoll is the pause of local/streams' reader between reads of a shard with nothing new
// (its default, which the stack uses: Lambda polls a shard four times a second).
const streamPoll = 250 * time.Millisecond

// notifierWait bounds every wait of these measurements: far above what a job takes.
const notifierWait = 60 * time.Second

// jobCost is what one job cost the notifier's event source, and the emails it produced.
type jobCost struct {
	invocations, read, filtered int64
	emails                      []ses.Email
}

// TestNotifierOneInvocationPerJob sends jobs of STARTED, 100 IN_PROGRESS and a final event
// through the stack and checks that the filter criteria let exactly one record of each through
// (its transition into SUCCESS or FAILED): one invocation of status-notifier, one email, to the
// owner, saying the outcome, with the link to the job's page. Every other record of the job (the
// progress updates, the notifier's own notified_at write) is read and dropped.
func TestNotifierOneInvocationPerJob(t *testing.T) {
	noLeftovers(t)
	st := startStack(t, stack.Config{DynamoDBEndpoint: dynamoDB(t)})
	owner := signUp(t, st.State, "Notify-Me@Example.com")
	run := uniqueName("notify")
	for _, c := range []struct {
		name    string
		final   job.Status
		err     string
		subject string // after the request id
	}{
		// Events a minute apart: STARTED at t0, SUCCESS 101 minutes later.
		{name: "success", final: job.Success, subject: "succeeded in 1 h 41 min"},
		{name: "failure", final: job.Failed, err: "CUDA out of memory", subject: "failed: CUDA out of memory"},
	} {
		t.Run(c.name, func(t *testing.T) {
			id := run + "-" + c.name
			cost := notifiedJob(t, st.State, st.StreamStats, owner, id, c.final, c.err)
			if cost.invocations != 1 {
				t.Errorf("status-notifier invoked %d times for the job; want 1", cost.invocations)
			}
			// The job wrote at least STARTED, the final event and notified_at (progress events
			// the final one overtook are refused without a write): all but one dropped.
			if cost.read < 3 || cost.filtered != cost.read-1 {
				t.Errorf("the source read %d records of the job and dropped %d; want at least 3 read, all but one dropped", cost.read, cost.filtered)
			}
			if len(cost.emails) != 1 {
				t.Fatalf("%d emails for the job; want 1: %+v", len(cost.emails), cost.emails)
			}
			e := cost.emails[0]
			if want := strings.ToLower(owner.Email); len(e.To) != 1 || e.To[0] != want {
				t.Errorf("email to %v; want [%s]", e.To, want)
			}
			if want := id + " " + c.subject; e.Subject != want {
				t.Errorf("subject %q; want %q", e.Subject, want)
			}
			if link := st.State.HTTPEndpoint + "/jobs/" + id; !strings.Contains(e.Text, link) || !strings.Contains(e.HTML, link) {
				t.Errorf("email does not link to %s:\n%s\n%s", link, e.Text, e.HTML)
			}
			if c.err != "" && !strings.Contains(e.Text, c.err) {
				t.Errorf("email text does not say the error %q:\n%s", c.err, e.Text)
			}
		})
	}
}

// BenchmarkNotifierInvocations measures what a job of STARTED, 100 IN_PROGRESS and SUCCESS costs
// status-notifier's event source: invocations, records read and records dropped by the filter
// criteria, per job (the goal is one invocation). An op is one job. It needs the stack's counts,
// so it runs on in-process stacks only.
func BenchmarkNotifierInvocations(b *testing.B) {
	for _, env := range benchStacks(b, deploy.MaxBatchingWindow, 0) {
		b.Run(env.name, func(b *testing.B) {
			if env.stack == nil {
				b.Skip("the stream source's counts live in the stack's process: measured on in-process stacks only")
			}
			run := uniqueName("cost")
			var sum jobCost
			for i := range b.N {
				c := notifiedJob(b, env.state, env.stack.StreamStats, env.user, fmt.Sprintf("%s-%d", run, i), job.Success, "")
				sum.invocations += c.invocations
				sum.read += c.read
				sum.filtered += c.filtered
				sum.emails = append(sum.emails, c.emails...)
			}
			n := float64(b.N)
			b.ReportMetric(float64(sum.invocations)/n, "invocations/job")
			b.ReportMetric(float64(sum.read)/n, "records/job")
			b.ReportMetric(float64(sum.filtered)/n, "filtered/job")
			b.ReportMetric(float64(len(sum.emails))/n, "emails/job")
		})
	}
}

// BenchmarkSendToEmail measures the time from the final event's SendMessage to the job's email in
// the SES emulator's store, polled every 2 ms, over latencyJobs jobs taken one at a time (each
// job's STARTED is applied first, and each final event sent after a random pause, untimed). With the deploy batching window of the events queue
// (1 s) a lone final event waits for the window; without one it goes at once. An op is one run
// of latencyJobs jobs; the numbers are p50-ms and p99-ms.
func BenchmarkSendToEmail(b *testing.B) {
	for _, env := range benchStacks(b, deploy.MaxBatchingWindow, 0) {
		b.Run(env.name, func(b *testing.B) {
			var samples []time.Duration
			for range b.N {
				samples = append(samples, sendToEmail(b, env, latencyJobs)...)
			}
			percentiles(b, "", samples)
			b.ReportMetric(float64(len(samples))/float64(b.N), "jobs/op")
		})
	}
}

// sendToEmail starts n jobs, waits until each is STARTED in the status table, then sends each
// one's SUCCESS and waits for its email, and returns one latency per job.
func sendToEmail(b *testing.B, env *benchEnv, n int) []time.Duration {
	ctx := context.Background()
	send := producer.New(fauxqs.NewClient(env.state.SQSEndpoint), env.state.QueueURL)
	store := ses.Store{Endpoint: env.state.SESEndpoint}
	run := uniqueName("mail")
	t0 := time.Now().Add(-time.Hour).Truncate(time.Millisecond)
	ids := make([]string, n)
	starts := make([]trainevent.Event, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%d", run, i)
		starts[i] = trainevent.Event{RequestID: ids[i], UserID: env.user.Sub, Status: job.Started, EventTime: t0, Seq: 1}
	}
	if err := send.SendBatch(ctx, starts); err != nil {
		b.Fatal(err)
	}
	for _, id := range ids {
		waitStatus(b, env.state, env.user.Sub, id, job.Started)
	}
	samples := make([]time.Duration, 0, n)
	for _, id := range ids {
		final := trainevent.Event{RequestID: id, UserID: env.user.Sub, Status: job.Success, EventTime: t0.Add(time.Minute), Seq: 2}
		// A random, untimed pause first. Sent right after the previous job's email, the final
		// event would always meet the stream reader at the same point of its 250 ms poll cycle
		// (just after it read the previous job's records, before its pause), and the numbers
		// would show that lockstep instead of a job ending at an arbitrary moment. Two poll
		// intervals, uniform, make the phase uniform. Not a synchronisation: nothing waits on it.
		time.Sleep(rand.N(2 * streamPoll))
		start := time.Now()
		if _, err := send.Send(ctx, final); err != nil {
			b.Fatal(err)
		}
		for {
			mails, err := jobEmails(ctx, store, start, id)
			if err != nil {
				b.Fatal(err)
			}
			if len(mails) > 0 {
				break
			}
			if time.Since(start) > notifierWait {
				b.Fatalf("no email for %s %v after its SUCCESS was sent", id, notifierWait)
			}
			time.Sleep(2 * time.Millisecond) // the poll interval of the measurement, not a synchronisation
		}
		samples = append(samples, time.Since(start))
	}
	return samples
}

// notifiedJob sends a job of owner's through the stack: STARTED (applied before anything else, so
// the job's start time is fixed), progressEvents IN_PROGRESS in one SendBatch, then the final
// event (with errText as its error). It waits for the job's email and for the notifier's
// notified_at mark, and returns what the job cost the stream source (stats) and its emails.
func notifiedJob(t testing.TB, s stack.State, stats func() streams.Stats, owner user, id string, final job.Status, errText string) jobCost {
	t.Helper()
	ctx := context.Background()
	send := producer.New(fauxqs.NewClient(s.SQSEndpoint), s.QueueURL)
	store := ses.Store{Endpoint: s.SESEndpoint}
	before := caughtUp(t, s, stats)
	since := time.Now()

	t0 := time.Now().Add(-2 * time.Hour).Truncate(time.Minute)
	ev := func(i int, status job.Status) trainevent.Event {
		return trainevent.Event{RequestID: id, UserID: owner.Sub, Status: status, EventTime: t0.Add(time.Duration(i) * time.Minute), Seq: uint64(i + 1)}
	}
	if _, err := send.Send(ctx, ev(0, job.Started)); err != nil {
		t.Fatal(err)
	}
	waitStatus(t, s, owner.Sub, id, job.Started)
	progress := make([]trainevent.Event, progressEvents)
	for i := range progress {
		p := float64(i+1) * 100 / (progressEvents + 1)
		progress[i] = ev(i+1, job.InProgress)
		progress[i].Progress = &p
	}
	if err := send.SendBatch(ctx, progress); err != nil {
		t.Fatal(err)
	}
	last := ev(progressEvents+1, final)
	last.Message, last.Error = "done", errText
	if _, err := send.Send(ctx, last); err != nil {
		t.Fatal(err)
	}

	eventually(t, notifierWait, "emailed and marked notified", func() (bool, string) {
		mails, err := jobEmails(ctx, store, since, id)
		if err != nil {
			return false, err.Error()
		}
		it, err := statusRecord(s, owner.Sub, id)
		if err != nil {
			return false, err.Error()
		}
		return len(mails) > 0 && it.NotifiedAt != "", fmt.Sprintf("%d emails; record %s, notified_at %q", len(mails), it.Status, it.NotifiedAt)
	})
	after := caughtUp(t, s, stats)
	mails, err := jobEmails(ctx, store, since, id)
	if err != nil {
		t.Fatal(err)
	}
	return jobCost{invocations: after.Invocations - before.Invocations, read: after.RecordsRead - before.RecordsRead,
		filtered: after.RecordsFiltered - before.RecordsFiltered, emails: mails}
}

// waitStatus waits until the job's record says status.
func waitStatus(t testing.TB, s stack.State, userID, id string, status job.Status) {
	t.Helper()
	eventually(t, notifierWait, fmt.Sprintf("%s %s", id, status), func() (bool, string) {
		it, err := statusRecord(s, userID, id)
		if err != nil {
			return false, err.Error()
		}
		return it.Status == status, "status " + string(it.Status)
	})
}

// caughtUp waits until the stream source has read every record of the status table's stream and
// dropped exactly those that are not a transition into a final state, and returns its counts.
func caughtUp(t testing.TB, s stack.State, stats func() streams.Stats) streams.Stats {
	t.Helper()
	var got streams.Stats
	eventually(t, notifierWait, "status-notifier's event source caught up with the stream", func() (bool, string) {
		total, finals, err := streamRecords(s)
		if err != nil {
			return false, err.Error()
		}
		got = stats()
		return got.RecordsRead == total && got.RecordsFiltered == total-finals,
			fmt.Sprintf("the stream holds %d records, %d of them final transitions; the source read %d and dropped %d", total, finals, got.RecordsRead, got.RecordsFiltered)
	})
	return got
}

// streamRecords reads the whole stream of the stack's status table from TRIM_HORIZON, every
// shard, and returns its number of records and how many of them are a job's transition into a
// final state (the new image final, the old one missing or not final): what status-notifier must
// see. The stack's source started at LATEST when the table was new, so both read the same records.
func streamRecords(s stack.State) (total, finals int64, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	table, err := ddbtest.NewClient(s.DynamoDBEndpoint).DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: aws.String(s.StatusTable)})
	if err != nil {
		return 0, 0, err
	}
	if table.Table.LatestStreamArn == nil {
		return 0, 0, fmt.Errorf("table %s has no stream", s.StatusTable)
	}
	api := streams.NewClient(s.DynamoDBEndpoint)
	var start *string
	for {
		desc, err := api.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: table.Table.LatestStreamArn, ExclusiveStartShardId: start})
		if err != nil {
			return 0, 0, err
		}
		for _, sh := range desc.StreamDescription.Shards {
			it, err := api.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{StreamArn: table.Table.LatestStreamArn,
				ShardId: sh.ShardId, ShardIteratorType: streamtypes.ShardIteratorTypeTrimHorizon})
			if err != nil {
				return 0, 0, err
			}
			// DynamoDB Local returns what a shard holds without empty pages in between: an empty
			// page is its end, for now.
			for iter := it.ShardIterator; iter != nil; {
				out, err := api.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: iter, Limit: aws.Int32(1000)})
				if err != nil {
					return 0, 0, err
				}
				for _, r := range out.Records {
					total++
					if r.Dynamodb != nil && imageStatus(r.Dynamodb.NewImage).Final() && !imageStatus(r.Dynamodb.OldImage).Final() {
						finals++
					}
				}
				if len(out.Records) == 0 {
					break
				}
				iter = out.NextShardIterator
			}
		}
		if start = desc.StreamDescription.LastEvaluatedShardId; start == nil {
			return total, finals, nil
		}
	}
}

// imageStatus is a stream image's job status; "" if none.
func imageStatus(img map[string]streamtypes.AttributeValue) job.Status {
	if v, ok := img[tables.AttrStatus].(*streamtypes.AttributeValueMemberS); ok {
		return job.Status(v.Value)
	}
	return ""
}

// jobEmails returns the emails sent since about since (the store keeps whole seconds) whose
// subject is about job id.
func jobEmails(ctx context.Context, store ses.Store, since time.Time, id string) ([]ses.Email, error) {
	all, err := store.EmailsSince(ctx, since)
	if err != nil {
		return nil, err
	}
	var out []ses.Email
	for _, e := range all {
		if strings.HasPrefix(e.Subject, id+" ") {
			out = append(out, e)
		}
	}
	return out, nil
}
