// Package coldstart measures what a Lambda cold start costs each function: the size of its
// stripped linux/arm64 bootstrap and the time from process start until it asks the Runtime API
// for its first invocation (reading its configuration and creating its SDK clients included),
// each against the smallest possible Go function built the same way. It has only benchmarks.
package coldstart
