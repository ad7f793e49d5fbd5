// Package invoke plays the Lambda service for the local stack: each function's bootstrap runs
// under the AWS Lambda Runtime Interface Emulator (RIE), and a Router serves the Lambda Invoke
// API (POST /2015-03-31/functions/{name}/invocations) for the functions by name.
//
// The emulator answers only the function name "function", takes one invoke at a time (a second
// concurrent one crashes it) and reports a handler error or timeout with HTTP 200 and the error in
// the body. So each function gets a Pool of emulators, each emulator serves one invoke at a time,
// and the Router marks handler errors with X-Amz-Function-Error: Unhandled as AWS does.
package invoke

import "context"

// Result is the outcome of one invoke.
type Result struct {
	Payload []byte // the handler's answer, or the error document when FunctionError is set
	// FunctionError is "Unhandled" when the handler returned an error, panicked, crashed or timed
	// out, as in the X-Amz-Function-Error header of the real API; empty on success.
	FunctionError string
}

// Invoker invokes a function by name: the Router in process, or a Client over HTTP.
type Invoker interface {
	Invoke(ctx context.Context, function string, payload []byte) (Result, error)
}
