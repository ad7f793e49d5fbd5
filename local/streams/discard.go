package streams

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// OnFailureRecord is the JSON document Lambda sends to a stream mapping's on-failure
// destination: where the discarded records are in the stream, not the records themselves.
type OnFailureRecord struct {
	RequestContext struct {
		RequestID              string `json:"requestId"`
		FunctionARN            string `json:"functionArn"`
		Condition              string `json:"condition"` // RetryAttemptsExhausted
		ApproximateInvokeCount int    `json:"approximateInvokeCount"`
	} `json:"requestContext"`
	ResponseContext struct {
		StatusCode      int    `json:"statusCode"`
		ExecutedVersion string `json:"executedVersion"`
		FunctionError   string `json:"functionError,omitempty"` // "Unhandled" after a function error
	} `json:"responseContext"`
	Version            string             `json:"version"`   // "1.0"
	Timestamp          string             `json:"timestamp"` // 2019-11-14T00:13:49.717Z
	DDBStreamBatchInfo DDBStreamBatchInfo `json:"DDBStreamBatchInfo"`
}

// DDBStreamBatchInfo locates the discarded batch in the stream.
type DDBStreamBatchInfo struct {
	ShardID                         string `json:"shardId"`
	StartSequenceNumber             string `json:"startSequenceNumber"`
	EndSequenceNumber               string `json:"endSequenceNumber"`
	ApproximateArrivalOfFirstRecord string `json:"approximateArrivalOfFirstRecord"` // 2019-11-14T00:13:19Z
	ApproximateArrivalOfLastRecord  string `json:"approximateArrivalOfLastRecord"`
	BatchSize                       int    `json:"batchSize"`
	StreamARN                       string `json:"streamArn"`
}

// discard sends the description of a batch that exhausted its retries to the on-failure
// destination (retrying the send until it succeeds or ctx ends), then the shard moves on.
func (s *Source) discard(ctx context.Context, shardID string, a *attempt, last outcome) {
	s.stats.discarded.Add(1)
	first, end := a.recs[0].Change, a.recs[len(a.recs)-1].Change
	var rec OnFailureRecord
	rec.RequestContext.RequestID = requestID()
	rec.RequestContext.FunctionARN = s.cfg.FunctionARN
	rec.RequestContext.Condition = "RetryAttemptsExhausted"
	rec.RequestContext.ApproximateInvokeCount = a.invokes
	rec.ResponseContext.StatusCode = 200
	rec.ResponseContext.ExecutedVersion = "$LATEST"
	if last.fnError {
		rec.ResponseContext.FunctionError = "Unhandled"
	}
	rec.Version = "1.0"
	rec.Timestamp = time.Now().UTC().Format("2006-01-02T15:04:05.000Z")
	rec.DDBStreamBatchInfo = DDBStreamBatchInfo{
		ShardID:                         shardID,
		StartSequenceNumber:             first.SequenceNumber,
		EndSequenceNumber:               end.SequenceNumber,
		ApproximateArrivalOfFirstRecord: first.ApproximateCreationDateTime.UTC().Format(time.RFC3339),
		ApproximateArrivalOfLastRecord:  end.ApproximateCreationDateTime.UTC().Format(time.RFC3339),
		BatchSize:                       len(a.recs),
		StreamARN:                       s.streamARN,
	}
	body, _ := json.Marshal(rec)
	log := s.log.With("shard", shardID, "records", len(a.recs), "start", first.SequenceNumber, "end", end.SequenceNumber,
		"invokes", a.invokes, "reason", last.why)
	if s.cfg.OnFailureQueueURL == "" {
		log.Error("retries exhausted, batch discarded (no on-failure destination)")
		return
	}
	for {
		_, err := s.cfg.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &s.cfg.OnFailureQueueURL, MessageBody: aws.String(string(body))})
		if err == nil {
			log.Error("retries exhausted, batch sent to the on-failure destination")
			return
		}
		if ctx.Err() != nil {
			return
		}
		log.Error("sending to the on-failure destination failed, retrying", "err", err)
		sleep(ctx, s.cfg.RetryDelay)
	}
}

// requestID returns a random UUID (version 4), as Lambda's request ids are.
func requestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
