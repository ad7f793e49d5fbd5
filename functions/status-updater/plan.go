package main

import (
	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// job is one message of the batch, parsed.
type job struct {
	index     int // position in the batch
	msg       events.SQSMessage
	event     trainevent.Event
	parseErr  error
	requestID string // from the event, or "" when it could not be parsed
}

// plan parses every message and groups them: messages in a group are processed in batch order,
// one after the other; groups run concurrently. On a FIFO queue a group is a message group (SQS
// guarantees its order); otherwise it is a request id, so that events of one job do not race each
// other. Messages that cannot be parsed are groups of their own.
func plan(records []events.SQSMessage, fifo bool) [][]job {
	var groups [][]job
	byKey := map[string]int{}
	for i, msg := range records {
		j := job{index: i, msg: msg}
		j.event, j.parseErr = trainevent.Parse([]byte(msg.Body))
		if j.parseErr == nil {
			j.requestID = j.event.RequestID
		}
		key := j.requestID
		if fifo {
			key = "group:" + msg.Attributes["MessageGroupId"]
		}
		if key == "" {
			groups = append(groups, []job{j})
			continue
		}
		if g, ok := byKey[key]; ok {
			groups[g] = append(groups[g], j)
			continue
		}
		byKey[key] = len(groups)
		groups = append(groups, []job{j})
	}
	return groups
}
