// Package deploy describes the system once: the functions with their sizes and environment, the
// HTTP API's routes and limits, the queues, and the event sources that connect them. The CDK app
// (infra/) renders this description into CloudFormation and the local stack (local/stack) into
// processes on one machine; tests on both sides prove that each rendering gives every function the
// variables and routes written here, so the two cannot drift.
//
// It is plain Go with no dependency, so the functions and the local stack can import it without
// pulling in the CDK. Table names, keys, indexes and streams are not here: they are package
// tables'.
package deploy
