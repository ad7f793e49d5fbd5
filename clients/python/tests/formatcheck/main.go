// Command formatcheck is the Python reporter's tests' judge of the event format: it reads one
// event object per line on stdin, as the reporter sent it, and parses each with
// trainevent.ParseOwned (the rule the ingest endpoint applies to an event sent with a token), so
// that the Python side never re-declares the format's rules. It prints "ok" or the refusal for
// each line, in order.
//
// With -slug it reads one JSON string per line, a run's name, and prints trainevent.Slug of it
// as a JSON string: the Python reporter names its runs' request ids by the same rule.
package main

import (
	"bufio"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/trainstatus/trainstatus/pkg/trainevent"
)

// owner stands for the token's owner: the reporter's events carry no user_id.
const owner = "0f6c1d2e-1111-4a2b-9c3d-123456789abc"

func main() {
	slugs := flag.Bool("slug", false, "print trainevent.Slug of each line's JSON string")
	flag.Parse()
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 0, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		if *slugs {
			var name string
			if err := json.Unmarshal(in.Bytes(), &name); err != nil {
				fmt.Fprintln(os.Stderr, "formatcheck -slug:", err)
				os.Exit(1)
			}
			b, _ := json.Marshal(trainevent.Slug(name)) // a string always marshals
			fmt.Fprintln(out, string(b))
			continue
		}
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
