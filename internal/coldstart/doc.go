// Package coldstart reports what a Lambda cold start costs each function, and holds the one goal
// kept about it.
//
// The goal, asserted by TestBootstrapSizes (part of make test): every bootstrap `make build`
// writes (stripped, linux/arm64, what is deployed) is at most MaxBootstrapBytes. Sizes are
// deterministic for a given toolchain and module graph, so the test is exact, not a timing.
//
// The report, in the benchmarks (make bench, BENCHMARKS.md): each bootstrap's size and, built for
// this machine, the time from process start until it asks the Runtime API for its first
// invocation (reading its configuration and creating its SDK clients included), against the
// smallest possible Go function built the same way and against the floor the SDK's DynamoDB
// client sets (sdk-dynamodb-client). No goal is set on the time: it is measured to see where a
// cold start goes, not to trade the SDK's generated clients for it.
package coldstart
