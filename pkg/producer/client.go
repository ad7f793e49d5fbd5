package producer

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/trainstatus/trainstatus/pkg/deadletter"
	"github.com/trainstatus/trainstatus/pkg/retry"
	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// EnvQueueURL names the environment variable that holds the training-events queue URL.
const EnvQueueURL = "TRAINING_EVENTS_QUEUE_URL"

// Client sends training events to one queue. It is safe for concurrent use if Retry is not
// changed meanwhile.
type Client struct {
	api      SQSAPI
	queueURL string
	// Retry bounds the client's own retries of a send (on top of the SDK's retries of each call).
	Retry retry.Policy
}

// New returns a Client for the queue at queueURL, with DefaultRetry.
func New(api SQSAPI, queueURL string) *Client {
	return &Client{api: api, queueURL: queueURL, Retry: DefaultRetry}
}

// QueueURL returns the queue the client sends to.
func (c *Client) QueueURL() string { return c.queueURL }

// fifoIDs returns the MessageGroupId and MessageDeduplicationId of e on a FIFO queue, or nils
// on a standard one.
func fifoIDs(queueURL string, e trainevent.Event) (group, dedup *string) {
	if !deadletter.IsFIFO(queueURL) {
		return nil, nil
	}
	return aws.String(e.RequestID), aws.String(DeduplicationID(e))
}

// DeduplicationID is the MessageDeduplicationId of e on a FIFO queue: the hex SHA-256 of its
// request id, order key and status, so that the same event sent twice is one message.
func DeduplicationID(e trainevent.Event) string {
	sum := sha256.Sum256([]byte(e.RequestID + "\x00" + e.OrderKey() + "\x00" + string(e.Status)))
	return hex.EncodeToString(sum[:])
}
