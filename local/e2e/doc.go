// Package e2e is the end-to-end test and the measurements of the local stack (issue 8). It has
// only tests and benchmarks; this file holds the documentation.
//
// The test starts the whole local stack in process (local/stack, free ports everywhere, the real
// bootstraps built by the test itself exactly as `make build-host` builds them) and drives it only
// from the outside, as users and training jobs would:
//
//   - four users sign up through Cognito (cognito-local) and confirm; the real PostConfirmation
//     trigger (user-signup) writes each user record, checked in the user table. dave's record
//     writes all fail (injected), so he is confirmed without a record; once DynamoDB answers, his
//     next sign-in (the PostAuthentication trigger) creates it, and a later one keeps it;
//   - carol turns job emails off through PUT /me/preferences;
//   - the jobs' events go to the training-events queue through pkg/producer: several jobs of three
//     users (ada and bob both run a job named same-name), shuffled, some events duplicated, plus
//     poison messages sent raw (bad JSON, an unknown status, an event older than the retention);
//   - answers come from the local HTTP API with the users' real ID tokens; mail from the SES
//     emulator's store.
//
// Failures are injected between the functions and the services, not inside any function: the
// stack's DynamoDB endpoint is a reverse proxy on 127.0.0.1 owned by the test (faultProxy), and so
// is status-notifier's SES endpoint (sesProxy). Until the test lifts the faults, the proxy answers
// every write of one job the way a throttled DynamoDB answers (HTTP 400
// ProvisionedThroughputExceededException) and cuts the connection, with no answer at all, for every
// write of another job. The SDK's own retries fail too, status-updater reports those messages in
// batchItemFailures, and the event source mapping leaves them on the queue. The test lifts the
// faults only when every message has been received at least once (the queue shows none visible)
// and neither faulted job has a record, so whatever writes those jobs afterwards is a redelivery
// after the visibility timeout. The SES proxy fails the first sends (429, then 500), which the
// stream event source retries; and one job's notified_at write fails in every attempt of one
// delivery, as if status-notifier crashed between its send and its mark. It then checks:
//
//   - the status table holds exactly what in-order delivery gives: the same events, each once, in
//     (event_time, seq) order, applied by pkg/tracker to a fresh table (all but the TTL and the
//     notifier's mark, which the events do not decide);
//   - the dead-letter queue holds exactly the poison messages, each with its reason, and nothing
//     the faults could have pushed there;
//   - every finished job e-mailed its owner exactly once, with the right outcome and the link to
//     its page, except the job whose mark failed, which e-mailed twice (the one duplicate the design
//     allows: never zero); no email for an unfinished job or for carol; nothing in the notifier's
//     failure queue;
//   - the API answers 200 (the job, and each user's list, newest first), 304 (If-None-Match with
//     the ETag), 400 (invalid request id, invalid limit), 401 (no token, a forged token) and 404
//     (unknown job, another user's job: the same bytes); ada and bob each see their own same-name;
//   - once the stack is closed, no port it listened on is bound and no process it started is left.
//
// DynamoDB Local is the one named by DDBTEST_ENDPOINT (as under `make test`) or one the test
// starts; every table gets a name of its own, so the test can share DynamoDB Local with others.
// The emulators must be installed (`make local-deps`); a missing one fails the test, never skips.
//
// The benchmarks measure, through the same stack: SendMessage to the status readable through the
// API (p50-ms, p99-ms), the API's request latency with and without If-None-Match, and each
// bootstrap's cold (process start to first answer) and warm invoke through the Lambda Invoke API,
// and status-notifier: invocations, stream records and emails per job of 100 progress events
// (NotifierInvocations; TestNotifierOneInvocationPerJob asserts one invocation and one email), and
// the final event's SendMessage to its email in the SES store (SendToEmail, p50-ms, p99-ms).
// Set TRAINSTATUS_E2E_STATE to the state file of a running stack (`make up` writes
// .cache/localstack/state.json) to measure that stack instead of starting one.
package e2e
