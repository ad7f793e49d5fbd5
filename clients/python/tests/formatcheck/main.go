// Command formatcheck is the Python reporter's tests' judge of the event format: it reads one
// event object per line on stdin, as the reporter sent it, and parses each with
// trainevent.ParseOwned (the rule the ingest endpoint applies to an event sent with a token), so
// that the Python side never re-declares the format's rules. It prints "ok" or the refusal for
// each line, in order.
package main

import (
	"bufio"
	"fmt"
	"os"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// owner stands for the token's owner: the reporter's events carry no user_id.
const owner = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		if _, err := trainevent.ParseOwned(in.Bytes(), owner); err != nil {
			fmt.Fprintln(out, err)
			continue
		}
		fmt.Fprintln(out, "ok")
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, "formatcheck:", err)
		os.Exit(1)
	}
}
