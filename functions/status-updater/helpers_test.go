package main

import (
	"fmt"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/tracker"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

type (
	trainEvent = trainevent.Event
	result     = tracker.Result
)

var base = time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)

// msg builds an SQS message whose body is an event sec seconds after base.
func msg(id, req, user, status string, sec int) events.SQSMessage {
	body := fmt.Sprintf(`{"request_id":%q,"user_id":%q,"status":%q,"event_time":%q}`,
		req, user, status, base.Add(time.Duration(sec)*time.Second).Format(time.RFC3339Nano))
	return events.SQSMessage{MessageId: id, Body: body, Attributes: map[string]string{"ApproximateReceiveCount": "1"}}
}

func sqsEvent(arn string, msgs ...events.SQSMessage) events.SQSEvent {
	for i := range msgs {
		msgs[i].EventSourceARN = arn
		msgs[i].EventSource = "aws:sqs"
	}
	return events.SQSEvent{Records: msgs}
}

func key(requestID string) ddb.Key { return ddb.Key{Partition: requestID} }
