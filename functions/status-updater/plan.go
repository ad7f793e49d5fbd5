package main

import (
	"github.com/aws/aws-lambda-go/events"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// entry is one message of the batch, parsed.
type entry struct {
	index     int // position in the batch
	msg       events.SQSMessage
	event     trainevent.Event
	parseErr  error
	requestID string // from the event, or "" when it could not be parsed
}

// plan parses every message and groups them: messages in a group are processed in batch order,
// one after the other; groups run concurrently. On a FIFO queue a group is a message group (SQS
// guarantees its order); otherwise it is a job, (user_id, request_id), so that the events of one
// job do not race each other. Messages that cannot be parsed are groups of their own.
func plan(records []events.SQSMessage, fifo bool) [][]entry {
	var groups [][]entry
	byKey := map[string]int{}
	for i, msg := range records {
		e := entry{index: i, msg: msg}
		e.event, e.parseErr = trainevent.Parse([]byte(msg.Body))
		key := ""
		if e.parseErr == nil {
			e.requestID = e.event.RequestID
			key = e.event.UserID + "\x00" + e.event.RequestID // neither may contain NUL
		}
		if fifo {
			key = "group:" + msg.Attributes["MessageGroupId"]
		}
		if key == "" {
			groups = append(groups, []entry{e})
			continue
		}
		if g, ok := byKey[key]; ok {
			groups[g] = append(groups[g], e)
			continue
		}
		byKey[key] = len(groups)
		groups = append(groups, []entry{e})
	}
	return groups
}
