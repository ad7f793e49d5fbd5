package streams

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/trainstatus/trainstatus/local/eventfilter"
)

// reader reads one shard in order and hands its batches, one at a time, to deliver.
type reader struct {
	src      *Source
	shardID  string
	iterator string // "" once the shard is closed and read to its end
	lastSeq  string // the last record read, to take a new iterator after this one expires
}

// run reads until the shard ends (true) or ctx does (false).
func (r *reader) run(ctx context.Context) bool {
	for ctx.Err() == nil {
		batch, ok := r.gather(ctx)
		if !ok {
			return false
		}
		if len(batch) > 0 {
			r.src.deliver(ctx, r.shardID, batch)
		}
		if r.iterator == "" {
			r.src.log.Info("shard ended", "shard", r.shardID)
			return ctx.Err() == nil
		}
	}
	return false
}

// gather reads records up to BatchSize kept by the filter. Without a batching window it returns
// as soon as a read brought something; with one it keeps reading until the window has passed
// since the first kept record or the batch is full. It returns at once when the shard ends.
func (r *reader) gather(ctx context.Context) ([]events.DynamoDBEventRecord, bool) {
	cfg := r.src.cfg
	var batch []events.DynamoDBEventRecord
	var deadline time.Time
	for {
		recs, err := r.read(ctx, min(cfg.BatchSize-len(batch), maxGetRecords))
		if err != nil {
			if ctx.Err() != nil {
				return nil, false
			}
			r.src.log.Error("GetRecords failed", "shard", r.shardID, "err", err)
			if !sleep(ctx, cfg.PollInterval) {
				return nil, false
			}
			continue
		}
		kept := r.keep(recs)
		if len(batch) == 0 && len(kept) > 0 {
			deadline = time.Now().Add(cfg.BatchingWindow)
		}
		batch = append(batch, kept...)
		switch {
		case r.iterator == "" || len(batch) >= cfg.BatchSize:
			return batch, true
		case len(batch) > 0 && !time.Now().Before(deadline):
			return batch, true
		case len(recs) > 0:
			continue // more may be waiting: read again at once
		}
		wait := cfg.PollInterval
		if len(batch) > 0 {
			wait = min(wait, time.Until(deadline))
		}
		if !sleep(ctx, wait) {
			return nil, false
		}
	}
}

// read is one GetRecords; it renews an expired or trimmed iterator from the last record read.
func (r *reader) read(ctx context.Context, limit int) ([]types.Record, error) {
	out, err := r.src.cfg.Streams.GetRecords(ctx, &dynamodbstreams.GetRecordsInput{ShardIterator: &r.iterator, Limit: aws.Int32(int32(limit))})
	var expired *types.ExpiredIteratorException
	var trimmed *types.TrimmedDataAccessException
	if errors.As(err, &expired) || errors.As(err, &trimmed) {
		if rerr := r.renew(ctx); rerr != nil {
			return nil, errors.Join(err, rerr)
		}
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	r.iterator = deref(out.NextShardIterator)
	if n := len(out.Records); n > 0 && out.Records[n-1].Dynamodb != nil {
		r.lastSeq = deref(out.Records[n-1].Dynamodb.SequenceNumber)
	}
	r.src.stats.read.Add(int64(len(out.Records)))
	return out.Records, nil
}

func (r *reader) renew(ctx context.Context) error {
	in := &dynamodbstreams.GetShardIteratorInput{StreamArn: &r.src.streamARN, ShardId: &r.shardID, ShardIteratorType: types.ShardIteratorTypeTrimHorizon}
	if r.lastSeq != "" {
		in.ShardIteratorType, in.SequenceNumber = types.ShardIteratorTypeAfterSequenceNumber, &r.lastSeq
	}
	out, err := r.src.cfg.Streams.GetShardIterator(ctx, in)
	if err != nil {
		return err
	}
	r.iterator = deref(out.ShardIterator)
	r.src.log.Warn("shard iterator renewed", "shard", r.shardID, "after", r.lastSeq)
	return nil
}

// keep converts the records and drops those the filter criteria do not match.
func (r *reader) keep(recs []types.Record) []events.DynamoDBEventRecord {
	var kept []events.DynamoDBEventRecord
	for _, rec := range recs {
		ev := toEvent(rec, r.src.cfg.Region, r.src.streamARN)
		if r.src.filter.Len() > 0 && !r.matches(ev) {
			r.src.stats.filtered.Add(1)
			continue
		}
		kept = append(kept, ev)
	}
	return kept
}

// matches applies the filter to the record's JSON, as Lambda sees it.
func (r *reader) matches(ev events.DynamoDBEventRecord) bool {
	b, err := json.Marshal(ev)
	if err != nil {
		r.src.log.Error("record not encodable, kept", "err", err)
		return true
	}
	rec, err := eventfilter.ParseRecord(b)
	if err != nil {
		return true
	}
	return r.src.filter.Match(rec)
}
