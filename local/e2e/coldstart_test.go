package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/invoke"
	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/token"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// BenchmarkColdStart measures each bootstrap under the Lambda emulator, invoked through the Lambda
// Invoke API with a real event that does its real work (an UpdateItem, a PutItem, a GetItem)
// against the stack's DynamoDB Local: cold-ms is from starting the emulator process (which starts
// the bootstrap on the first invoke) to the first answer, warm-ms the second invoke. An op is one
// start, two invokes and a stop.
func BenchmarkColdStart(b *testing.B) {
	env := benchStacks(b, deploy.MaxBatchingWindow)[0]
	tools, err := deps.Find()
	if err != nil {
		b.Fatal(err)
	}
	dir := bootstraps(b)
	for _, spec := range deploy.Functions {
		name := spec.Name
		b.Run(name, func(b *testing.B) {
			fn := benchFunction(env.state, dir, name)
			var cold, warm []time.Duration
			for i := range b.N {
				c, w := coldAndWarm(b, tools.RIE, fn, func(n int) []byte { return payload(b, env, name, i*2+n) })
				cold, warm = append(cold, c), append(warm, w)
			}
			percentiles(b, "cold-", cold)
			percentiles(b, "warm-", warm)
		})
	}
}

// coldAndWarm starts fn under its emulator behind an Invoke API on 127.0.0.1, invokes it twice
// and stops it; it returns the time from the start to the first answer, and of the second invoke.
func coldAndWarm(b *testing.B, rie string, fn invoke.Function, payload func(int) []byte) (cold, warm time.Duration) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	start := time.Now()
	router, err := invoke.StartRouter(context.Background(), log, rie, []invoke.Function{fn})
	if err != nil {
		b.Fatal(err)
	}
	defer router.Stop()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	srv := &http.Server{Handler: router, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()
	client := invoke.Client{Endpoint: "http://" + l.Addr().String()}
	for i := range 2 {
		t := time.Now()
		res, err := client.Invoke(context.Background(), fn.Name, payload(i))
		if err != nil || res.FunctionError != "" || strings.Contains(string(res.Payload), `"itemIdentifier"`) {
			b.Fatalf("invoke %d of %s: %v %s %s", i+1, fn.Name, err, res.FunctionError, res.Payload)
		}
		if i == 0 {
			cold = time.Since(start)
		} else {
			warm = time.Since(t)
		}
	}
	return cold, warm
}

// benchFunction is name as the stack runs it (stack.Functions), over the stack's state, with its
// bootstrap from dir.
func benchFunction(s stack.State, dir, name string) invoke.Function {
	cfg := stack.Defaults()
	cfg.LogLevel = "warn"
	for _, fn := range stack.Functions(cfg, s) {
		if fn.Name == name {
			fn.Bootstrap, fn.Concurrency = filepath.Join(dir, name, "bootstrap"), 1
			return fn
		}
	}
	panic("no function " + name)
}

// payload is the n-th event for the named function: one that makes it do its real work.
func payload(b *testing.B, env *benchEnv, name string, n int) []byte {
	id := uniqueName("cold")
	var ev any
	switch name {
	case deploy.StatusUpdater:
		p := float64(n % 100)
		body, err := trainevent.Event{RequestID: id, UserID: env.user.Sub, Status: job.InProgress,
			EventTime: time.Now(), Seq: 1, Progress: &p}.Marshal()
		if err != nil {
			b.Fatal(err)
		}
		ev = events.SQSEvent{Records: []events.SQSMessage{{MessageId: id, Body: string(body), EventSource: "aws:sqs",
			EventSourceARN: env.state.QueueARN, AWSRegion: "us-east-1", Attributes: map[string]string{"ApproximateReceiveCount": "1"}}}}
	case deploy.UserSignup:
		e := events.CognitoEventUserPoolsPostConfirmation{}
		e.Version, e.TriggerSource, e.Region = "1", "PostConfirmation_ConfirmSignUp", "us-east-1"
		e.UserPoolID, e.UserName = env.state.UserPoolID, id
		e.Request.UserAttributes = map[string]string{"sub": id, "email": id + "@example.com"}
		ev = e
	case deploy.StatusQuery:
		ev = events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: deploy.RouteGetStatus, RawPath: "/status/" + id,
			PathParameters: map[string]string{deploy.PathRequestID: id},
			RequestContext: events.APIGatewayV2HTTPRequestContext{RouteKey: deploy.RouteGetStatus,
				HTTP:       events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: http.MethodGet, Path: "/status/" + id},
				Authorizer: &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: map[string]string{"sub": env.user.Sub}}}}}
	case deploy.Ingest:
		// An unknown token: the start, the token's GetItem and the 401, no rate window or send.
		secret, err := token.Generate()
		if err != nil {
			b.Fatal(err)
		}
		ev = events.APIGatewayV2HTTPRequest{Version: "2.0", RouteKey: deploy.RouteIngest, RawPath: deploy.IngestRoute.Path,
			Headers: map[string]string{"authorization": "Bearer " + secret.Reveal()}, Body: `{"request_id":"` + id + `"}`,
			RequestContext: events.APIGatewayV2HTTPRequestContext{RouteKey: deploy.RouteIngest,
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: http.MethodPost, Path: deploy.IngestRoute.Path}}}
	case deploy.StatusNotifier:
		// A progress record: decided from the images alone (the filters keep such records away
		// in the stack; the handler checks again), so it measures start-up, not SES.
		image := map[string]events.DynamoDBAttributeValue{
			"user_id": events.NewStringAttribute(env.user.Sub), "request_id": events.NewStringAttribute(id),
			"status": events.NewStringAttribute(string(job.InProgress)),
		}
		ev = events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{{EventName: "MODIFY", EventSource: "aws:dynamodb",
			Change: events.DynamoDBStreamRecord{NewImage: image, OldImage: image, SequenceNumber: fmt.Sprint(n + 1)}}}}
	}
	out, err := json.Marshal(ev)
	if err != nil {
		b.Fatal(err)
	}
	return out
}
