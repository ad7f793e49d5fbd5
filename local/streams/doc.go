// Package streams is the local DynamoDB Streams event source mapping: it polls the Streams API
// of DynamoDB Local the way Lambda polls a table's stream and invokes a function through the
// Lambda Invoke API with real events.DynamoDBEvent batches.
//
// What it does, as Lambda does it:
//
//   - finds the table's latest stream (DescribeTable), lists its shards (DescribeStream, every
//     page) and reads each shard with its own reader, a child only once its parent is read to
//     its end; the shard list is read again every ShardRefresh and whenever a shard ends;
//   - the shards open at Start are read from the starting position (LATEST or TRIM_HORIZON; with
//     LATEST a shard already closed is skipped), shards found later from TRIM_HORIZON;
//   - GetRecords in batches of up to BatchSize records (1000 per call at most), gathering for up
//     to BatchingWindow; records the FilterCriteria do not match are dropped and never invoked,
//     and the shard moves past them;
//   - per shard, one batch at a time, in order. With ReportBatchItemFailures semantics, the answer
//     {"batchItemFailures":[{"itemIdentifier":"<SequenceNumber>"}]} checkpoints before the lowest
//     failed sequence number and retries from there; an empty or null answer is success; an
//     identifier that is empty or not in the batch, or a function error, fails the whole batch;
//   - BisectOnError splits a batch failing as a whole in two (not counted as a retry); a partial
//     failure retries the rest only; after MaxRetries retries the batch's location
//     (OnFailureRecord, with DDBStreamBatchInfo) goes to the on-failure SQS queue and the shard
//     moves on. An invoke that cannot be made at all (Invoke API down) is retried without using
//     the retry quota.
//
// Not done: MaximumRecordAgeInSeconds, ParallelizationFactor, tumbling windows, checkpoints that
// survive a restart (a new Source starts from its starting position again).
//
// Facts checked on this machine (DynamoDB Local 3.x, the one pkg/ddb/ddbtest installs):
//
//   - the stream ARN is arn:aws:dynamodb:ddblocal:000000000000:table/<table>/stream/<label> and
//     records carry awsRegion "ddblocal": the source sets Config.Region (us-east-1) instead;
//   - a new stream has one shard at once (no need to write first); a LATEST iterator taken
//     before a write sees it; GetRecords never long-polls (an empty answer comes back at once)
//     and refuses Limit > 1000 (ValidationException); iterators are plain position strings that
//     can be reused; a garbage iterator is a ValidationException;
//   - sequence numbers are 21-digit, zero-padded decimal strings, from 000000000000000000001;
//   - 3,000 writes stay in one shard: DynamoDB Local never splits a shard. Disabling the stream
//     closes its shard (EndingSequenceNumber set, stream DISABLED); GetRecords then reads to the
//     end and returns no NextShardIterator. Enabling it again makes a new stream (new label/ARN);
//     a Source stays on the stream it started with, as a mapping does;
//   - ApproximateCreationDateTime is rounded down to the minute (AWS rounds to the second).
package streams
