// Command testfn is a tiny Lambda handler for the local stack's own tests, run under the real
// emulator until (and besides) the real functions. What it does depends on the event:
//
//   - an SQS event (Records): each record whose body is "fail" is reported in batchItemFailures,
//     a body "crash" makes the whole invoke return an error; the answer also counts the records;
//   - {"error": "msg"}: returns an error; {"panic": true}: panics; {"exit": true}: exits the process;
//   - {"env": "NAME"}: answers the variable's value;
//   - {"call": "http://127.0.0.1:port/..."}: GETs that URL first and answers its status as
//     "call_status": a test's testenv.Gate, so the test knows the function is running and
//     decides when it returns;
//   - a Cognito trigger event whose request.clientMetadata has "error": returns that error;
//   - anything else: answered as it came, with the function name added as "function".
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
)

func main() { lambda.Start(handle) }

type request struct {
	Records []events.SQSMessage `json:"Records"`
	Error   string              `json:"error"`
	Panic   bool                `json:"panic"`
	Exit    bool                `json:"exit"`
	Env     string              `json:"env"`
	Call    string              `json:"call"`
	Request struct {
		ClientMetadata map[string]string `json:"clientMetadata"`
	} `json:"request"`
}

func handle(ctx context.Context, raw json.RawMessage) (any, error) {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		return nil, err
	}
	if req.Call != "" {
		// Not bounded by the invoke's deadline: a held call stays inside the handler until the
		// emulator ends it, as a hung handler would, so a timeout is always the emulator's.
		status, err := call(context.WithoutCancel(ctx), req.Call)
		if err != nil {
			return nil, err
		}
		return map[string]int{"call_status": status}, nil
	}
	switch {
	case len(req.Records) > 0:
		return sqsBatch(req.Records)
	case req.Error != "":
		return nil, errors.New(req.Error)
	case req.Request.ClientMetadata["error"] != "":
		return nil, errors.New(req.Request.ClientMetadata["error"])
	case req.Panic:
		panic("testfn asked to panic")
	case req.Exit:
		os.Exit(3)
	case req.Env != "":
		return map[string]string{"value": os.Getenv(req.Env)}, nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil || m == nil {
		return raw, nil
	}
	m["function"] = os.Getenv("AWS_LAMBDA_FUNCTION_NAME")
	return m, nil
}

func sqsBatch(records []events.SQSMessage) (events.SQSEventResponse, error) {
	var resp events.SQSEventResponse
	for _, r := range records {
		switch r.Body {
		case "crash":
			return resp, errors.New("testfn: crash asked by message " + r.MessageId)
		case "fail":
			resp.BatchItemFailures = append(resp.BatchItemFailures, events.SQSBatchItemFailure{ItemIdentifier: r.MessageId})
		}
	}
	return resp, nil
}

func call(ctx context.Context, url string) (int, error) {
	r, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(r)
	if err != nil {
		return 0, fmt.Errorf("testfn: call %s: %w", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
