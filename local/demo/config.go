package demo

import (
	"io"
	"log/slog"
	"path/filepath"
	"time"

	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/stack"
)

// Config of a demo run.
type Config struct {
	Stack stack.Config // the stack to start; see StackConfig
	CLI   string       // the trainstatus binary
	// Out receives what the demo prints. When it is a terminal, `trainstatus watch` writes to it
	// directly and redraws its progress bar in place.
	Out io.Writer
	Log *slog.Logger // the stack's log (every part, every invocation, the functions' own logs)
	// Prepared is the time spent installing and building before Run, reported with the others.
	Prepared time.Duration
	// Users are the two users signed up: the job's owner and the one who may not see it.
	Owner, Other string
	// WatchInterval is how often `trainstatus watch` polls the API.
	WatchInterval time.Duration
	// Screenshot is where the PNG of the tracker page on the finished job goes; default
	// <repository>/build/demo/job-page.png.
	Screenshot string
}

// StackConfig is the stack of the demo: free ports everywhere, so it runs beside `make up` or
// a test, a short visibility timeout, so that a message whose invocation fails is redelivered
// within the demo, and a stall sweep every second, so that the killed job's alert comes as soon
// as its window ends.
func StackConfig() stack.Config {
	c := stack.Ephemeral()
	c.VisibilityTimeout = 3 * time.Second
	c.ScheduleEvery = time.Second
	return c
}

// withDefaults fills the users and the poll interval.
func (c Config) withDefaults() Config {
	if c.Owner == "" {
		c.Owner = "ada@example.com"
	}
	if c.Other == "" {
		c.Other = "bob@example.com"
	}
	if c.WatchInterval <= 0 {
		c.WatchInterval = 250 * time.Millisecond
	}
	if c.Screenshot == "" {
		root := c.Stack.Root
		if root == "" {
			root, _ = deps.RepoRoot() // "" (the working directory) outside the repository
		}
		c.Screenshot = filepath.Join(root, "build", "demo", "job-page.png")
	}
	return c
}
