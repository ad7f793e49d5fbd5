// Package demo runs the trainstatus demo on this machine: it starts the local stack in process,
// signs a user up through Cognito (the real PostConfirmation trigger writes the user record),
// runs a simulated training job that reports through the producer CLI binary (`trainstatus
// send`, as a training script in any language would) with a duplicate, an out-of-order event
// and a poison message mixed in, follows it with `trainstatus watch`, checks the outcome from
// the outside (the API, the user table, the dead-letter queue, a 404 for another user, a 401
// without a token), tears everything down and checks that no process or port is left.
//
// Every expectation is a check; Run fails if one does, so the demo doubles as a smoke test.
// The command local/cmd/demo runs it (`make demo`).
package demo
