package invoke

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// FunctionErrorUnhandled is the X-Amz-Function-Error value for handler errors, as in AWS.
const FunctionErrorUnhandled = "Unhandled"

// errorDoc is the error document a Go runtime writes for a handler error or a panic.
type errorDoc struct {
	ErrorMessage string `json:"errorMessage"`
	ErrorType    string `json:"errorType,omitempty"`
}

// classify turns the emulator's answer into a Result. The emulator drops the runtime's error
// signal: a handler error is HTTP 200 with an error document, a timeout is HTTP 200 with the
// plain text "Task timed out after N.00 seconds", a crashed bootstrap an HTTP 5xx. restart says
// the emulator should be renewed (crash or timeout: its runtime may still be busy).
func classify(status int, body []byte, requestID string) (res Result, restart bool) {
	switch {
	case status == http.StatusOK && bytes.HasPrefix(body, []byte("Task timed out after")):
		return unhandled(fmt.Sprintf("%s %s %s", time.Now().UTC().Format(time.RFC3339), requestID, body), "Sandbox.Timedout"), true
	case status == http.StatusOK && isErrorDoc(body):
		return Result{Payload: body, FunctionError: FunctionErrorUnhandled}, false
	case status == http.StatusOK:
		return Result{Payload: body}, false
	case isErrorDoc(body):
		return Result{Payload: body, FunctionError: FunctionErrorUnhandled}, true
	default:
		return unhandled(fmt.Sprintf("RequestId: %s Error: Runtime exited (emulator status %d) %s", requestID, status, bytes.TrimSpace(body)), "Runtime.ExitError"), true
	}
}

func unhandled(msg, typ string) Result {
	b, _ := json.Marshal(errorDoc{ErrorMessage: msg, ErrorType: typ})
	return Result{Payload: b, FunctionError: FunctionErrorUnhandled}
}

// isErrorDoc reports whether body is a JSON object with errorMessage and errorType and no key
// other than those and stackTrace: the shape of the Go runtime's error document.
func isErrorDoc(body []byte) bool {
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return false
	}
	_, hasMsg := m["errorMessage"]
	_, hasType := m["errorType"]
	if !hasMsg || !hasType {
		return false
	}
	for k := range m {
		switch k {
		case "errorMessage", "errorType", "stackTrace":
		default:
			return false
		}
	}
	return true
}
