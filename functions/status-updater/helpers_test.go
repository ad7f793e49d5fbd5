package main

import (
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tables"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

type (
	trainEvent = trainevent.Event
	result     = tracker.Result
)

// alice and bob are Cognito subs; alice is the user of the sample events.
const (
	alice = "7d9f3a1c-5b2e-4c8a-9f1d-2e3b4c5d6e7f"
	bob   = "0b1c2d3e-4f50-4617-8829-3a4b5c6d7e8f"
)

var base = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// msg builds an SQS message of alice's whose body is an event sec seconds after base.
func msg(id, req, status string, sec int) events.SQSMessage {
	return msgOf(id, alice, req, status, base.Add(time.Duration(sec)*time.Second))
}

// msgOf builds an SQS message, received once, whose body is an event of user's at at.
func msgOf(id, user, req, status string, at time.Time) events.SQSMessage {
	body := fmt.Sprintf(`{"request_id":%q,"user_id":%q,"status":%q,"event_time":%q}`,
		req, user, status, at.Format(time.RFC3339Nano))
	return events.SQSMessage{MessageId: id, Body: body, Attributes: map[string]string{"ApproximateReceiveCount": "1"}}
}

// received returns m as on its n-th receive.
func received(m events.SQSMessage, n int) events.SQSMessage {
	attrs := map[string]string{}
	for k, v := range m.Attributes {
		attrs[k] = v
	}
	attrs["ApproximateReceiveCount"] = fmt.Sprint(n)
	m.Attributes = attrs
	return m
}

func sqsEvent(arn string, msgs ...events.SQSMessage) events.SQSEvent {
	for i := range msgs {
		msgs[i].EventSourceARN = arn
		msgs[i].EventSource = "aws:sqs"
	}
	return events.SQSEvent{Records: msgs}
}

// key is the status table key of alice's job requestID.
func key(requestID string) ddb.Key { return tables.StatusKey(alice, requestID) }

// errNoTable is DynamoDB's answer when the table does not exist.
var errNoTable = &types.ResourceNotFoundException{Message: aws.String("Requested resource not found")}
