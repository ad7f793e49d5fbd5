package ddb_test

import (
	"context"
	"errors"
	"sort"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func TestBatchWriteAndGetAcrossChunks(t *testing.T) {
	tbl := ddbtest.NewTable(t, widgets)
	seedWidgets(t, tbl, "jo", 130) // 6 BatchWriteItem calls of at most 25
	keys := make([]ddb.Key, 0, 131)
	for i := range 130 {
		keys = append(keys, key("jo", i))
	}
	keys = append(keys, key("jo", 500), key("jo", 3)) // a missing key and a duplicate
	items, err := tbl.BatchGet(keys...).Consistent().All(ctx(t))
	if err != nil {
		t.Fatalf("BatchGet: %v", err)
	}
	got := make([]int, 0, len(items))
	for _, w := range items {
		got = append(got, w.Serial)
	}
	sort.Ints(got)
	if len(got) != 130 || got[0] != 0 || got[129] != 129 {
		t.Fatalf("BatchGet returned %d items: %v", len(got), got)
	}

	del := make([]ddb.Key, 0, 65)
	for i := 0; i < 130; i += 2 {
		del = append(del, key("jo", i))
	}
	if err := tbl.BatchWrite().Delete(del...).Run(ctx(t)); err != nil {
		t.Fatalf("BatchWrite delete: %v", err)
	}
	if n := len(serials(t, tbl.Query("jo"))); n != 65 {
		t.Errorf("after deleting 65 of 130, %d remain", n)
	}
	if err := tbl.BatchWrite().Put(widget{Owner: "jo", Serial: 1, Color: "PINK"}).Run(ctx(t)); !errors.Is(err, ddb.ErrInvalidItem) {
		t.Errorf("batch put with invalid enum: %v", err)
	}
}

// stingyClient leaves the first `hold` requests of every batch call unprocessed for `rounds` calls,
// as DynamoDB does under throttling.
type stingyClient struct {
	*dynamodb.Client
	rounds, hold int
	calls        int
}

func (c *stingyClient) BatchWriteItem(ctx context.Context, in *dynamodb.BatchWriteItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error) {
	c.calls++
	if c.calls > c.rounds {
		return c.Client.BatchWriteItem(ctx, in, o...)
	}
	for name, reqs := range in.RequestItems {
		h := min(c.hold, len(reqs))
		if h < len(reqs) {
			if _, err := c.Client.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{name: reqs[h:]}}, o...); err != nil {
				return nil, err
			}
		}
		return &dynamodb.BatchWriteItemOutput{UnprocessedItems: map[string][]types.WriteRequest{name: reqs[:h]}}, nil
	}
	return &dynamodb.BatchWriteItemOutput{}, nil
}

func (c *stingyClient) BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, o ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error) {
	c.calls++
	if c.calls > c.rounds {
		return c.Client.BatchGetItem(ctx, in, o...)
	}
	for name, ka := range in.RequestItems {
		h := min(c.hold, len(ka.Keys))
		rest := ka
		rest.Keys = ka.Keys[h:]
		out := &dynamodb.BatchGetItemOutput{}
		if len(rest.Keys) > 0 {
			var err error
			if out, err = c.Client.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{name: rest}}, o...); err != nil {
				return nil, err
			}
		}
		held := ka
		held.Keys = ka.Keys[:h]
		out.UnprocessedKeys = map[string]types.KeysAndAttributes{name: held}
		return out, nil
	}
	return &dynamodb.BatchGetItemOutput{}, nil
}

func TestBatchRetriesUnprocessedItems(t *testing.T) {
	cases := []struct {
		name        string
		rounds      int
		attempts    int
		wantErr     bool
		wantWritten int
	}{
		{"recovers after two partial rounds", 2, 8, false, 60},
		{"gives up and names what is left", 100, 3, true, 60 - 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			client := &stingyClient{Client: ddbtest.Client(t), rounds: tc.rounds, hold: 5}
			tbl := ddbtest.NewTableWithClient(t, client, widgets, ddb.WithBatchRetry(tc.attempts, time.Millisecond))
			items := make([]widget, 60)
			for i := range items {
				items[i] = widget{Owner: "kit", Serial: i, Made: "m"}
			}
			err := tbl.BatchWrite().Put(items...).Run(ctx(t))
			var un *ddb.UnprocessedError
			if tc.wantErr {
				if !errors.Is(err, ddb.ErrUnprocessed) || !errors.As(err, &un) || len(un.Keys) != 5+35 {
					// the first chunk keeps 5 unprocessed; the two chunks not yet sent are named too
					t.Fatalf("got %v (%+v), want ErrUnprocessed naming 40 keys", err, un)
				}
				return
			}
			if err != nil {
				t.Fatalf("BatchWrite: %v", err)
			}
			if n := len(serials(t, ddb.NewTable(ddbtest.Client(t), tbl.Name(), widgets).Query("kit"))); n != tc.wantWritten {
				t.Errorf("%d items written, want %d", n, tc.wantWritten)
			}
			client.calls = 0
			keys := make([]ddb.Key, 60)
			for i := range keys {
				keys[i] = key("kit", i)
			}
			got, err := tbl.BatchGet(keys...).All(ctx(t))
			if err != nil || len(got) != 60 {
				t.Errorf("BatchGet with unprocessed rounds: %d items, %v", len(got), err)
			}
		})
	}
}
