// Command demo runs the trainstatus demo (package local/demo): the whole system on this machine,
// checked from the outside, then torn down. `make demo` builds and runs it.
//
//	demo [-cli build/host/trainstatus] [-log .cache/demo/stack.log] [-screenshot build/demo/job-page.png] [-prepared-ms N]
//
// Exit status: 0 when every check holds, 1 otherwise.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/trainstatus/trainstatus/local/demo"
	"github.com/trainstatus/trainstatus/local/deps"
)

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cli := fs.String("cli", "", "the trainstatus binary (default <repo>/build/host/trainstatus)")
	logPath := fs.String("log", "", "the stack's log (default <cache>/demo/stack.log)")
	screenshot := fs.String("screenshot", "", "where the PNG of the tracker page on the finished job goes (default <repo>/build/demo/job-page.png)")
	prepared := fs.Int("prepared-ms", 0, "time spent installing and building before, for the timings")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	root, err := deps.RepoRoot()
	if err != nil {
		fmt.Fprintln(stderr, "demo:", err)
		return 1
	}
	if *cli == "" {
		*cli = filepath.Join(root, "build", "host", "trainstatus")
	}
	if *logPath == "" {
		cache, err := deps.CacheDir()
		if err != nil {
			fmt.Fprintln(stderr, "demo:", err)
			return 1
		}
		*logPath = filepath.Join(cache, "demo", "stack.log")
	}
	if err := os.MkdirAll(filepath.Dir(*logPath), 0o755); err != nil {
		fmt.Fprintln(stderr, "demo:", err)
		return 1
	}
	logFile, err := os.Create(*logPath)
	if err != nil {
		fmt.Fprintln(stderr, "demo:", err)
		return 1
	}
	defer logFile.Close()

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintf(stdout, "trainstatus demo: the whole system on this machine, no Docker, no AWS account (stack log: %s)\n", *logPath)
	err = demo.Run(ctx, demo.Config{
		Stack:      demo.StackConfig(),
		CLI:        *cli,
		Out:        stdout,
		Log:        slog.New(slog.NewJSONHandler(logFile, nil)),
		Screenshot: *screenshot,
		Prepared:   time.Duration(*prepared) * time.Millisecond,
	})
	if err != nil {
		fmt.Fprintf(stderr, "demo: %v (stack log: %s)\n", err, *logPath)
		return 1
	}
	return 0
}
