package streams

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams"
	"github.com/aws/aws-sdk-go-v2/service/dynamodbstreams/types"

	"github.com/trainstatus/trainstatus/local/eventfilter"
	"github.com/trainstatus/trainstatus/local/invoke"
)

// Source is a running mapping: one reader per shard, parents before children.
type Source struct {
	cfg       Config
	streamARN string
	filter    *eventfilter.Criteria
	invoker   invoke.Invoker
	log       *slog.Logger

	cancel context.CancelFunc
	wg     sync.WaitGroup
	wake   chan struct{} // a shard finished: read the shard list again

	mu     sync.Mutex
	shards map[string]*shard
	ended  chan struct{} // closed, and replaced, each time a shard is read to its end (ShardEnded)

	stats counters
}

// shard is what the source knows of one shard.
type shard struct {
	id, parent string
	started    bool
	done       bool // read to its end (closed), or skipped
}

// Start checks cfg, finds the stream and its shards, takes iterators for the open ones at the
// starting position (so that a record written after Start returns is read with LATEST) and starts
// reading. Close stops it.
func Start(ctx context.Context, cfg Config, invoker invoke.Invoker, log *slog.Logger) (*Source, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	filter, err := eventfilter.Compile(cfg.Filters)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	arn := cfg.StreamARN
	if arn == "" {
		out, err := cfg.DynamoDB.DescribeTable(ctx, &dynamodb.DescribeTableInput{TableName: &cfg.Table})
		if err != nil {
			return nil, fmt.Errorf("streams: describing table %s: %w", cfg.Table, err)
		}
		if out.Table.LatestStreamArn == nil || out.Table.StreamSpecification == nil || !deBool(out.Table.StreamSpecification.StreamEnabled) {
			return nil, fmt.Errorf("%w: %s", ErrNoStream, cfg.Table)
		}
		arn = *out.Table.LatestStreamArn
	}
	runCtx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	s := &Source{cfg: cfg, streamARN: arn, filter: filter, invoker: invoker, cancel: cancel,
		log: log.With("stream_esm", cfg.Function), wake: make(chan struct{}, 1), shards: map[string]*shard{},
		ended: make(chan struct{})}
	if err := s.startInitial(ctx, runCtx); err != nil {
		cancel()
		s.wg.Wait()
		return nil, err
	}
	s.wg.Add(1)
	go func() { defer s.wg.Done(); s.manage(runCtx) }()
	return s, nil
}

// StreamARN is the stream being read.
func (s *Source) StreamARN() string { return s.streamARN }

// Close stops the readers and waits for them. A batch being processed is abandoned where it is:
// nothing is checkpointed, as a new Source starts again from its starting position.
func (s *Source) Close() {
	s.cancel()
	s.wg.Wait()
}

// startInitial reads the shard list and starts the shards that can start now, at the starting
// position. With LATEST a closed shard holds nothing to read: it is marked done at once.
func (s *Source) startInitial(ctx, runCtx context.Context) error {
	list, err := s.describe(ctx)
	if err != nil {
		return err
	}
	s.mu.Lock()
	for _, sh := range list {
		s.shards[sh.id] = sh.shard
	}
	s.mu.Unlock()
	for _, sh := range list {
		if s.cfg.StartingPosition == Latest {
			if sh.closed {
				s.mu.Lock()
				s.shards[sh.id].done, s.shards[sh.id].started = true, true
				s.mu.Unlock()
				continue
			}
		} else if !s.ready(sh.id) {
			continue
		}
		if err := s.startShard(ctx, runCtx, sh.id, types.ShardIteratorType(s.cfg.StartingPosition)); err != nil {
			return err
		}
	}
	return nil
}

// describedShard is a shard of DescribeStream.
type describedShard struct {
	*shard
	closed bool
}

// describe lists every shard of the stream, following DescribeStream's pages.
func (s *Source) describe(ctx context.Context) ([]describedShard, error) {
	var list []describedShard
	var start *string
	for {
		out, err := s.cfg.Streams.DescribeStream(ctx, &dynamodbstreams.DescribeStreamInput{StreamArn: &s.streamARN, ExclusiveStartShardId: start})
		if err != nil {
			return nil, fmt.Errorf("streams: describing stream %s: %w", s.streamARN, err)
		}
		for _, sh := range out.StreamDescription.Shards {
			closed := sh.SequenceNumberRange != nil && sh.SequenceNumberRange.EndingSequenceNumber != nil
			list = append(list, describedShard{shard: &shard{id: deref(sh.ShardId), parent: deref(sh.ParentShardId)}, closed: closed})
		}
		if start = out.StreamDescription.LastEvaluatedShardId; start == nil {
			return list, nil
		}
	}
}

// ready says whether a shard not yet started may start: its parent is done or gone (trimmed).
func (s *Source) ready(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sh := s.shards[id]
	if sh == nil || sh.started {
		return false
	}
	parent := s.shards[sh.parent]
	return sh.parent == "" || parent == nil || parent.done
}

// startShard takes an iterator and starts the shard's reader.
func (s *Source) startShard(ctx, runCtx context.Context, id string, pos types.ShardIteratorType) error {
	it, err := s.cfg.Streams.GetShardIterator(ctx, &dynamodbstreams.GetShardIteratorInput{
		StreamArn: &s.streamARN, ShardId: &id, ShardIteratorType: pos})
	if err != nil {
		return fmt.Errorf("streams: iterator for shard %s: %w", id, err)
	}
	s.mu.Lock()
	s.shards[id].started = true
	s.mu.Unlock()
	r := &reader{src: s, shardID: id, iterator: deref(it.ShardIterator)}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		if r.run(runCtx) {
			s.mu.Lock()
			s.shards[id].done = true
			s.stats.shardsDone.Add(1)
			close(s.ended)
			s.ended = make(chan struct{})
			s.mu.Unlock()
			select {
			case s.wake <- struct{}{}:
			default:
			}
		}
	}()
	return nil
}

// manage reads the shard list again every ShardRefresh, or when a shard ends, and starts the
// children whose parents are done. Shards found after Start are read from TRIM_HORIZON: their
// records all come after the parent's.
func (s *Source) manage(ctx context.Context) {
	t := time.NewTicker(s.cfg.ShardRefresh)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-s.wake:
		}
		list, err := s.describe(ctx)
		if err != nil {
			if ctx.Err() == nil {
				s.log.Error("shard refresh failed", "err", err)
			}
			continue
		}
		s.mu.Lock()
		for _, sh := range list {
			if s.shards[sh.id] == nil {
				s.shards[sh.id] = sh.shard
				s.log.Info("new shard", "shard", sh.id, "parent", sh.parent)
			}
		}
		s.mu.Unlock()
		for _, sh := range list {
			if s.ready(sh.id) {
				if err := s.startShard(ctx, ctx, sh.id, types.ShardIteratorTypeTrimHorizon); err != nil && ctx.Err() == nil {
					s.log.Error("starting shard failed", "shard", sh.id, "err", err)
				}
			}
		}
	}
}

// ShardEnded returns a channel closed the next time a shard is read to its end: take it, check
// Stats, and wait on it if the condition does not hold yet, so that no end is missed.
func (s *Source) ShardEnded() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ended
}

// Stats are counts since Start.
type Stats struct {
	RecordsRead      int64 // records returned by GetRecords
	RecordsFiltered  int64 // dropped by the filter criteria, never invoked
	Invocations      int64 // invokes attempted (retries included)
	BatchesDiscarded int64 // batches that exhausted their retries (sent to the on-failure destination)
	ShardsDone       int64 // shards read to their end
}

type counters struct {
	read, filtered, invocations, discarded, shardsDone atomic.Int64
}

// Stats returns the counts so far.
func (s *Source) Stats() Stats {
	return Stats{RecordsRead: s.stats.read.Load(), RecordsFiltered: s.stats.filtered.Load(),
		Invocations: s.stats.invocations.Load(), BatchesDiscarded: s.stats.discarded.Load(), ShardsDone: s.stats.shardsDone.Load()}
}

func deBool(b *bool) bool { return b != nil && *b }

// sleep waits d or until ctx ends; it reports whether ctx is still live.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
