package streams

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"

	"github.com/aws/aws-lambda-go/events"
)

// attempt is a batch on its way: the records still to deliver and what it took so far.
type attempt struct {
	recs    []events.DynamoDBEventRecord
	invokes int // invokes of this batch (approximateInvokeCount)
	retries int // retries used; bisecting does not use any
}

// outcome of one invoke.
type outcome struct {
	failedAt int  // index of the first record to retry; len(recs) when all succeeded
	partial  bool // a valid batchItemFailures list: records before failedAt are done
	fnError  bool // the function returned an error (X-Amz-Function-Error)
	why      string
}

// deliver processes one batch to the end, in order: it invokes the function, retries from the
// lowest failed sequence number on a partial failure, retries the batch on an error (or bisects
// it), and sends a batch that exhausted MaxRetries to the on-failure destination. It returns when
// every record is done or discarded, or when ctx ends.
func (s *Source) deliver(ctx context.Context, shardID string, recs []events.DynamoDBEventRecord) {
	queue := []*attempt{{recs: recs}}
	for len(queue) > 0 && ctx.Err() == nil {
		a := queue[0]
		out, err := s.invokeOnce(ctx, a)
		if err != nil {
			// The function could not be invoked (not a function error): Lambda retries these
			// until the records expire, without using the retry quota.
			if ctx.Err() == nil {
				s.log.Error("invoke failed, retrying", "shard", shardID, "records", len(a.recs), "err", err)
				sleep(ctx, s.cfg.RetryDelay)
			}
			continue
		}
		if out.failedAt == len(a.recs) {
			s.log.Info("batch", "shard", shardID, "records", len(a.recs), "outcome", "success", "invokes", a.invokes)
			queue = queue[1:]
			continue
		}
		// A whole-batch failure (function error, invalid response) is bisected; a partial
		// failure is "bisected at the returned sequence number": only the rest is retried.
		if s.cfg.BisectOnError && !out.partial && len(a.recs) > 1 {
			half := len(a.recs) / 2
			s.log.Warn("batch failed, bisecting", "shard", shardID, "records", len(a.recs), "reason", out.why)
			left := &attempt{recs: a.recs[:half], retries: a.retries}
			right := &attempt{recs: a.recs[half:], retries: a.retries}
			queue = append([]*attempt{left, right}, queue[1:]...)
			continue
		}
		a.recs = a.recs[out.failedAt:]
		a.retries++
		if s.cfg.MaxRetries >= 0 && a.retries > s.cfg.MaxRetries {
			s.discard(ctx, shardID, a, out)
			queue = queue[1:]
			continue
		}
		s.log.Warn("batch failed, retrying", "shard", shardID, "records", len(a.recs), "from", a.recs[0].Change.SequenceNumber,
			"retry", a.retries, "reason", out.why)
		sleep(ctx, s.cfg.RetryDelay)
	}
}

// invokeOnce invokes the function with the batch and reads its answer with
// ReportBatchItemFailures semantics.
func (s *Source) invokeOnce(ctx context.Context, a *attempt) (outcome, error) {
	body, err := payload(a.recs)
	if err != nil {
		return outcome{}, err
	}
	s.stats.invocations.Add(1) // counted before the call, so that it is seen once the function ran
	res, err := s.invoker.Invoke(ctx, s.cfg.Function, body)
	if err != nil {
		return outcome{}, err
	}
	a.invokes++
	if res.FunctionError != "" {
		return outcome{fnError: true, why: "function error: " + string(res.Payload)}, nil
	}
	return failedAt(res.Payload, a.recs), nil
}

// failedAt reads the function's events.DynamoDBEventResponse. An empty or null answer, or an
// empty list, means success; otherwise the batch is checkpointed before the lowest failed
// sequence number. An identifier that is empty, null or not in the batch, or an answer that is
// not the response object, fails the whole batch, as in Lambda.
func failedAt(body []byte, recs []events.DynamoDBEventRecord) outcome {
	var resp events.DynamoDBEventResponse
	if len(body) > 0 && string(body) != "null" {
		if err := json.Unmarshal(body, &resp); err != nil {
			return outcome{why: fmt.Sprintf("invalid batch response: %v", err)}
		}
	}
	lowest := len(recs)
	for _, f := range resp.BatchItemFailures {
		i := indexOf(recs, f.ItemIdentifier)
		if i < 0 {
			return outcome{why: fmt.Sprintf("batchItemFailures names %q, not a sequence number of the batch", f.ItemIdentifier)}
		}
		lowest = min(lowest, i)
	}
	if lowest < len(recs) {
		return outcome{failedAt: lowest, partial: true, why: "partial batch failure at " + recs[lowest].Change.SequenceNumber}
	}
	return outcome{failedAt: lowest}
}

// indexOf finds a sequence number in the batch; sequence numbers compare as numbers.
func indexOf(recs []events.DynamoDBEventRecord, seq string) int {
	want, ok := new(big.Int).SetString(seq, 10)
	if !ok {
		return -1
	}
	for i, r := range recs {
		if n, ok := new(big.Int).SetString(r.Change.SequenceNumber, 10); ok && n.Cmp(want) == 0 {
			return i
		}
	}
	return -1
}
