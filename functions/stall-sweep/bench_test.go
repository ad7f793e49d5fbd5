package main

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
	"github.com/trainstatus/trainstatus/pkg/job"
	"github.com/trainstatus/trainstatus/pkg/tables"
)

// BenchmarkSweep sweeps N open jobs (none stalled: the steady state) against DynamoDB Local and
// reports the calls a sweep makes and the bytes of index it reads, from which BENCHMARKS.md
// computes the read units (DynamoDB Local does not meter capacity). Each open job is also read
// once (BatchGetItem): half a read unit per item of up to 4 KB.
func BenchmarkSweep(b *testing.B) {
	for _, n := range []int{0, 100, 1000} {
		b.Run(fmt.Sprintf("open=%d", n), func(b *testing.B) {
			spy := ddbtest.NewSpy(ddbtest.Client(b))
			table := ddbtest.NewTableWithClient(b, spy, tables.StatusSchema)
			f := &fixture{t: b, spy: spy, table: table, clock: t0}
			for i := range n {
				f.report(fmt.Sprintf("resnet50-lr0.%03d-20261124-100000-a1b2c3", i), job.InProgress, 60, 0)
			}
			indexBytes := 0
			for i := range tables.OpenShards {
				out, err := spy.Query(context.Background(), &dynamodb.QueryInput{
					TableName: aws.String(table.Name()), IndexName: aws.String(tables.IndexOpen),
					KeyConditionExpression:    aws.String("open_shard = :s"),
					ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: tables.OpenShardName(i)}},
				})
				if err != nil {
					b.Fatal(err)
				}
				for _, it := range out.Items {
					indexBytes += itemSize(it)
				}
			}
			h := &Handler{Jobs: table, StallWindow: 15 * time.Minute, Log: discardLog(), Metrics: discardMetrics(),
				Now: func() time.Time { return t0.Add(2 * time.Minute) }}
			spy.Reset()
			b.ResetTimer()
			for range b.N {
				if _, err := h.Handle(context.Background(), eventBridge()); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(spy.Calls("Query"))/float64(b.N), "queries/sweep")
			b.ReportMetric(float64(spy.Calls("BatchGetItem"))/float64(b.N), "batch-reads/sweep")
			b.ReportMetric(float64(spy.Calls("UpdateItem"))/float64(b.N), "writes/sweep")
			b.ReportMetric(float64(indexBytes), "index-bytes/sweep")
			if n > 0 {
				b.ReportMetric(float64(indexBytes)/float64(n), "index-bytes/job")
			}
		})
	}
}

// itemSize is DynamoDB's size of an item: attribute names plus values (strings in UTF-8 bytes,
// numbers about one byte per two digits plus one).
func itemSize(item map[string]types.AttributeValue) int {
	n := 0
	for k, v := range item {
		n += len(k)
		switch v := v.(type) {
		case *types.AttributeValueMemberS:
			n += len(v.Value)
		case *types.AttributeValueMemberN:
			n += (len(v.Value)+1)/2 + 1
		default:
			var s string
			_ = attributevalue.Unmarshal(v, &s)
			n += len(s)
		}
	}
	return n
}
