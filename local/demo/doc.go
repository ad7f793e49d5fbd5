// Package demo runs the trainstatus demo on this machine: it starts the local stack in process
// (free ports, so it runs beside `make up` or a test), which signs the owner up through Cognito
// (the real PostConfirmation trigger writes the user record) and makes her a reporting token, as
// `make up` does for its demo user; then it runs a simulated training job that
// reports through the producer CLI binary (`trainstatus send`, as a training script in any
// language would) with a duplicate, an out-of-order event and a poison message mixed in (a
// replay dated a year ago, older than the tracker keeps anything: status-updater dead-letters it
// as expired), while `trainstatus watch` draws it and the demo reads the API as the page does.
// Then two commands that report nothing themselves run through `trainstatus run` with the
// owner's reporting token (the stack's state; POST /v1/events, no AWS credentials): one ends
// SUCCESS on the API with its display name and the progress read from its output, the other FAILED
// with its exit status and stderr tail, its status returned unchanged. A third, routed with the
// owner's stall alerts to email, Slack and a webhook (the stack's receiver), runs under `trainstatus
// run --stall-after 1m` and is SIGKILLed together with its command (one process group), so nothing
// reports its end: the report shows the stall sweep's alert on each channel, once (the Slack
// message as Slack shows it, the webhook's signature verified).
//
// Then it checks the outcome from the outside, reading the API's body as statusapi.Job and
// comparing it with what the events give: the final job and its 304; the ETA the API gave while
// the job ran, beside the events' estimate (shown, not checked: whether a poll lands between the
// reports depends on the machine); status-updater's outcome for every message; the user record;
// the poison in the dead-letter queue with its reason (`trainstatus dlq list`); the one email
// status-notifier sent through the SES emulator when the job succeeded (to the owner, with the
// link TRACKER_URL/jobs/<request_id>, waited for in the emulator's store); a 404 for a second
// user asking for the job and a 401 without a token; then the second user runs a job of the same
// request_id, still training (with an exact ETA), and each user sees their own. The second user
// makes a reporting token of his own (`trainstatus token create`) and tries to touch the owner's
// `run` job with it: an event naming her is refused by the ingest endpoint, and his `trainstatus
// run --job-id` of the same id is his own job, hers unchanged (304). It ends by
// opening the tracker page on the finished job in headless Chromium (local/browsertest's
// Screenshot) and saving a PNG, whose path it prints. Last it tears everything down and checks
// that no process or port is left.
//
// Every expectation is a check; Run fails if one does, so the demo doubles as a smoke test (its
// test reuses the bootstraps of $TRAINSTATUS_BUILD_HOST when `make test` built them). The
// command local/cmd/demo runs it (`make demo`).
package demo
