package deploy

import (
	"time"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// Queue names (suffixes of the deployed names).
const (
	EventsQueue     = "training-events"
	DeadLetterQueue = "training-events-dlq"
	// NotifierFailureQueue receives the description of stream batches status-notifier could not
	// handle within its retries (the on-failure destination of its event source).
	NotifierFailureQueue = "status-notifier-failures"
)

// MaxReceiveCount is how many times a message is received before SQS moves it to the dead-letter
// queue. status-updater dead-letters a message itself, with its reason, on its last receive.
const MaxReceiveCount = 5

// Retention of messages: events are expected to be consumed within seconds, so four days (the SQS
// default) is ample; the dead-letter and failure queues keep their messages for the SQS maximum of
// 14 days so that someone can inspect and redrive them.
const (
	EventsRetention     = 4 * 24 * time.Hour
	DeadLetterRetention = 14 * 24 * time.Hour
)

// EventsMaxMessageBytes is the events queue's maximum message size: the largest body
// trainevent.Parse accepts plus a margin for message attributes. Anything larger is refused by
// SQS at SendMessage, so the sender hears of it, rather than dead-lettered later.
const EventsMaxMessageBytes = trainevent.MaxBodySize + 8<<10
