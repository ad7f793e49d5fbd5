// Package tables defines the DynamoDB tables of trainstatus (the status table, the user table, the
// reporting tokens and the ingest endpoint's rate-limit windows): their item types (storage tags
// only), keys, indexes, TTL and stream. This is the only place that names them; the Lambda
// functions, the local stack and the CDK app import these definitions. The words stored in them
// (job states, the time layout) are package job's.
package tables
