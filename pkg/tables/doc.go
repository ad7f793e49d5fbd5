// Package tables defines the two DynamoDB tables of trainstatus, the status table and the user
// table: their item types, keys, indexes and enums. This is the only place that names them; the
// Lambda functions, the CLI, the local stack and the CDK app all import these definitions.
package tables
