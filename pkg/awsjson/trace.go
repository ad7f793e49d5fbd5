package awsjson

import (
	"os"
	"strings"
)

// traceHeader is the X-Amzn-Trace-Id the SDK's recursion-detection middleware sends from inside
// Lambda: the invocation's _X_AMZN_TRACE_ID (the runtime sets it for each invocation), percent-
// encoded as the SDK does. It carries X-Ray's trace on, becomes the dead letter's AWSTraceHeader,
// and lets Lambda detect an SQS recursive loop. Empty outside Lambda.
func traceHeader() string {
	if _, inLambda := os.LookupEnv("AWS_LAMBDA_FUNCTION_NAME"); !inLambda {
		return ""
	}
	id, ok := os.LookupEnv("_X_AMZN_TRACE_ID")
	if !ok {
		return ""
	}
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(id); i++ {
		c := id[i]
		if keep(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// keep reports whether the SDK sends c as it is in the trace header.
func keep(c byte) bool {
	if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' {
		return true
	}
	return strings.IndexByte(`-=;:+&[]{}"',`, c) >= 0
}
