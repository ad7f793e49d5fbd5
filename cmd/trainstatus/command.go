package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/trainstatus/trainstatus/pkg/dlqtool"
	"github.com/trainstatus/trainstatus/pkg/producer"
)

// env is everything a command may touch, so tests can replace it.
type env struct {
	args           []string
	stdin          io.Reader
	stdout, stderr io.Writer
	getenv         func(string) string
	now            func() time.Time
	sqs            func(context.Context) (sqsAPI, error)
}

// sqsAPI is what the commands need of SQS: sending events, and looking after the dead-letter
// queue. *sqs.Client implements it.
type sqsAPI interface {
	producer.SQSAPI
	dlqtool.SQSAPI
}

// command is one subcommand. To add one, write a file with an init function that calls
// register.
type command struct {
	summary string // one line for the usage text
	run     func(ctx context.Context, e *env, args []string) error
}

var commands = map[string]command{}

func register(set map[string]command, name string, c command) {
	if _, dup := set[name]; dup {
		panic("trainstatus: command registered twice: " + name)
	}
	set[name] = c
}

func init() { register(commands, "help", command{"show this help", runHelp}) }

// usageError is a bad command line: exit status 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// exitCode is a status to exit with whose reason was said already, or that is not the CLI's to
// say: the wrapped command's own status, returned by run.
type exitCode int

func (c exitCode) Error() string { return fmt.Sprintf("exit status %d", int(c)) }

// exit status
const (
	exitOK      = 0
	exitFailed  = 1
	exitUsage   = 2
	programName = "trainstatus"
)

func run(ctx context.Context, e *env) int {
	err := dispatch(ctx, e, commands, programName, e.args)
	var ue *usageError
	var ec exitCode
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ec):
		return int(ec)
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(e.stderr, "%s: %s\n", programName, sanitize(err.Error()))
		return exitUsage
	default:
		// Errors may quote the API, SQS or a message (an entry's error, a reason): sanitized.
		fmt.Fprintf(e.stderr, "%s: %s\n", programName, sanitize(err.Error()))
		return exitFailed
	}
}

// dispatch runs the command of set named by args[0].
func dispatch(ctx context.Context, e *env, set map[string]command, prefix string, args []string) error {
	if len(args) == 0 {
		writeUsage(e.stderr, set, prefix)
		return usagef("missing command")
	}
	c, ok := set[args[0]]
	if !ok {
		writeUsage(e.stderr, set, prefix)
		return usagef("unknown command %q", args[0])
	}
	return c.run(ctx, e, args[1:])
}

func writeUsage(w io.Writer, set map[string]command, prefix string) {
	fmt.Fprintf(w, "usage: %s <command> [flags]\n\ncommands:\n", prefix)
	names := make([]string, 0, len(set))
	for n := range set {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, set[n].summary)
	}
	fmt.Fprintf(w, "\nRun '%s <command> -h' for the flags of a command.\n", prefix)
}

func runHelp(_ context.Context, e *env, _ []string) error {
	writeUsage(e.stdout, commands, programName)
	return nil
}

// newFlags returns a flag set whose errors come back as usage errors.
func newFlags(e *env, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: %s %s\n", programName, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, allowing flags after positional arguments; it returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, &usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// url returns the flag's value, else the environment variable's, else a usage error.
func url(e *env, flagValue, flagName, envName string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := e.getenv(envName); v != "" {
		return v, nil
	}
	return "", usagef("--%s or $%s is required", flagName, envName)
}
