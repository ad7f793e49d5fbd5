package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/expression"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// RunJobs puts the jobs that are not final and have no open_shard into the open-jobs index
// (tables.IndexOpen), which the stall sweep reads: jobs that went silent before this version,
// whose next event (which would have indexed them) never came. It Scans the status table page by
// page for them (only their key, status and open_shard), and sets each one's open_shard on the
// condition that it is still not final and still unindexed, so a final event applied meanwhile
// wins. The writes change no status, so they pass the notifier's stream filter by.
func (b *Backfill) RunJobs(ctx context.Context, s *Summary) {
	in, err := b.scanInput()
	if err != nil {
		s.fail(fmt.Errorf("build the scan of %s: %w", b.Jobs.Name(), err))
		return
	}
	pages := dynamodb.NewScanPaginator(b.Scanner, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			s.fail(fmt.Errorf("scan %s (the jobs pass stopped here; rerun): %w", b.Jobs.Name(), err))
			return
		}
		s.Jobs.Scanned += int(page.ScannedCount)
		var items []tables.StatusItem
		if err := attributevalue.UnmarshalListOfMaps(page.Items, &items); err != nil {
			s.fail(fmt.Errorf("read a page of the scan of %s: %w", b.Jobs.Name(), err))
			continue
		}
		for _, it := range items {
			s.Jobs.Unindexed++
			if b.longSilent(it) {
				s.Jobs.LongSilent++
				continue
			}
			if err := b.index(ctx, it, &s.Jobs); err != nil {
				s.fail(&ItemError{Kind: "job", Key: it.UserID + "/" + it.RequestID, Err: err})
			}
		}
	}
}

// longSilent reports whether the job was last heard from longer than MaxSilence ago (a record
// whose updated_at does not parse is not: indexing it is what the tracker would have done).
func (b *Backfill) longSilent(it tables.StatusItem) bool {
	if b.MaxSilence <= 0 {
		return false
	}
	heard, err := job.ParseTime(it.UpdatedAt)
	return err == nil && b.Now().Sub(heard) > b.MaxSilence
}

// unindexed is the condition "the job is not final and has no open_shard": the Scan's filter,
// and again the write's condition.
func unindexed() expression.ConditionBuilder {
	var open []expression.OperandBuilder
	for _, st := range job.Statuses {
		if !st.Final() {
			open = append(open, expression.Value(st))
		}
	}
	return expression.AttributeNotExists(expression.Name(tables.AttrOpenShard)).
		And(expression.Name(tables.AttrStatus).In(open[0], open[1:]...))
}

// scanInput is the Scan of the unindexed jobs: their key, status, open_shard and updated_at,
// JobPage items read a call.
func (b *Backfill) scanInput() (*dynamodb.ScanInput, error) {
	proj := expression.NamesList(expression.Name(tables.AttrUserID), expression.Name(tables.AttrRequestID),
		expression.Name(tables.AttrStatus), expression.Name(tables.AttrOpenShard), expression.Name(tables.AttrUpdatedAt))
	expr, err := expression.NewBuilder().WithFilter(unindexed()).WithProjection(proj).Build()
	if err != nil {
		return nil, err
	}
	return &dynamodb.ScanInput{
		TableName:                 aws.String(b.Jobs.Name()),
		FilterExpression:          expr.Filter(),
		ProjectionExpression:      expr.Projection(),
		ExpressionAttributeNames:  expr.Names(),
		ExpressionAttributeValues: expr.Values(),
		Limit:                     aws.Int32(b.JobPage),
	}, nil
}

// index sets the job's open_shard, tables.OpenShard of its key, as the tracker would have.
func (b *Backfill) index(ctx context.Context, it tables.StatusItem, c *JobCounts) error {
	shard := tables.OpenShard(it.UserID, it.RequestID)
	log := b.Log.With("user_id", it.UserID, "request_id", it.RequestID, "status", it.Status, "open_shard", shard, "dry_run", b.DryRun)
	if b.DryRun {
		c.Indexed++
		log.Info("job to index")
		return nil
	}
	err := b.Jobs.Update(tables.StatusKey(it.UserID, it.RequestID)).Set(tables.AttrOpenShard, shard).If(unindexed()).Run(ctx)
	switch {
	case err == nil:
		c.Indexed++
		log.Info("job indexed")
		return nil
	case errors.Is(err, ddb.ErrNotFound):
		c.EndedMeanwhile++ // its TTL removed it
		log.Info("job expired meanwhile")
		return nil
	case errors.Is(err, ddb.ErrConditionFailed):
		if now, ok := ddb.CurrentItem[tables.StatusItem](err); ok && !now.Status.Final() {
			c.IndexedMeanwhile++
			log.Info("job indexed by an event meanwhile")
			return nil
		}
		c.EndedMeanwhile++
		log.Info("job ended meanwhile; not indexed")
		return nil
	}
	return err
}
