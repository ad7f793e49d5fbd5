// Command ddblocal installs and starts one DynamoDB Local for a whole test run:
//
//	ddblocal -- go test ./...      run the command with DDBTEST_ENDPOINT set, then stop the server
//	ddblocal --install-only        only install the pinned jar into the cache
//
// The server is stopped however the command ends, so no Java process is left behind.
package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"

	"github.com/trainstatus/trainstatus/internal/dynamodblocal"
	"github.com/trainstatus/trainstatus/pkg/ddb/ddbtest"
)

func main() { os.Exit(run(os.Args[1:])) }

func run(args []string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if len(args) == 1 && args[0] == "--install-only" {
		dir, err := dynamodblocal.Dir()
		if err == nil {
			_, err = dynamodblocal.Install(ctx, dir)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "ddblocal:", err)
			return 1
		}
		return 0
	}
	if len(args) < 2 || args[0] != "--" {
		fmt.Fprintln(os.Stderr, "usage: ddblocal -- command [args...] | ddblocal --install-only")
		return 2
	}
	srv, err := dynamodblocal.Start(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "ddblocal:", err)
		return 1
	}
	defer srv.Stop()
	fmt.Fprintf(os.Stderr, "ddblocal: DynamoDB Local at %s\n", srv.Endpoint)
	cmd := exec.CommandContext(ctx, args[1], args[2:]...)
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	cmd.Env = append(os.Environ(), ddbtest.EnvEndpoint+"="+srv.Endpoint)
	if err := cmd.Run(); err != nil {
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		fmt.Fprintln(os.Stderr, "ddblocal:", err)
		return 1
	}
	return 0
}
