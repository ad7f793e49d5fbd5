package demo

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/producer"
)

// The environment variables of the trainstatus CLI (cmd/trainstatus/names.go says what each
// holds; a binary's package main cannot be imported).
const (
	envAPIURL         = "TRAINSTATUS_API_URL"
	envIDToken        = "TRAINSTATUS_ID_TOKEN"
	envReportingToken = "TRAINSTATUS_REPORTING_TOKEN"
	envConfigHome     = "XDG_CONFIG_HOME"
)

// cli runs the trainstatus binary against the local stack, as a training script would: the
// endpoints and queue URLs come from the environment, nothing else from the caller's AWS set-up
// or trainstatus config file.
type cli struct {
	bin string
	env []string
	// onReady, when set, is called by output once the command's first line of stdout is read,
	// with the process: a test's way to signal it once it is ready.
	onReady func(*os.Process) error
}

// newCLI is the CLI of the user whose ID token is given, with no reporting token: its send uses
// the SQS door (the simulated job's poison event must reach the queue, which the ingest endpoint
// would refuse at once). configHome is an empty directory of the demo's: a config file of the
// machine's user, with a token in it, would send the events elsewhere.
func newCLI(bin string, s stack.State, idToken, configHome string) cli {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") && !strings.HasPrefix(kv, "TRAINSTATUS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_REGION="+s.Region, "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_ENDPOINT_URL_SQS="+s.SQSEndpoint,
		producer.EnvQueueURL+"="+s.QueueURL, deploy.DeadLetterQueueVar.Name+"="+s.DeadLetterURL,
		envAPIURL+"="+s.APIURL, envIDToken+"="+idToken, envConfigHome+"="+configHome)
	return cli{bin: bin, env: env}
}

// with returns the CLI with more environment variables (a later one wins).
func (c cli) with(kv ...string) cli {
	return cli{bin: c.bin, env: append(append([]string(nil), c.env...), kv...)}
}

// reporting is the CLI of a training job with a reporting token: no queue, so that nothing but
// the token can carry its events.
func (c cli) reporting(token string) cli {
	env := make([]string, 0, len(c.env)+1)
	for _, kv := range c.env {
		if !strings.HasPrefix(kv, producer.EnvQueueURL+"=") {
			env = append(env, kv)
		}
	}
	return cli{bin: c.bin, env: append(env, envReportingToken+"="+token)}
}

// command returns the command line args, not started.
func (c cli) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env
	return cmd
}

// run runs args and returns its standard output; a failure carries its standard error.
func (c cli) run(ctx context.Context, args ...string) (string, error) {
	out, errOut, err := c.output(ctx, args...)
	if err != nil {
		return out, fmt.Errorf("trainstatus %s: %w: %s", args[0], err, strings.TrimSpace(errOut))
	}
	return out, nil
}

// output runs args and returns both its outputs and its error (an *exec.ExitError for a
// non-zero status).
func (c cli) output(ctx context.Context, args ...string) (stdout, stderr string, err error) {
	var out, errOut bytes.Buffer
	cmd := c.command(ctx, args...)
	cmd.Stderr = &errOut
	if c.onReady == nil {
		cmd.Stdout = &out
		err = cmd.Run()
		return out.String(), errOut.String(), err
	}
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		return "", "", err
	}
	if err := cmd.Start(); err != nil {
		return "", "", err
	}
	line, rerr := bufio.NewReader(pipe).ReadString('\n')
	out.WriteString(line)
	if rerr == nil {
		rerr = c.onReady(cmd.Process)
	}
	if rerr != nil {
		cmd.Process.Kill()
	}
	io.Copy(&out, pipe)
	err = cmd.Wait()
	if rerr != nil {
		return out.String(), errOut.String(), fmt.Errorf("waiting for the command to be ready: %w", rerr)
	}
	return out.String(), errOut.String(), err
}
