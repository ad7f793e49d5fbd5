package demo

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/trainstatus/trainstatus/local/stack"
	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/producer"
)

// The environment variables of `trainstatus watch` (cmd/trainstatus).
const (
	envAPIURL = "TRAINSTATUS_API_URL"
	envToken  = "TRAINSTATUS_TOKEN"
)

// cli runs the trainstatus binary against the local stack, as a training script would: the
// endpoints and queue URLs come from the environment, nothing else from the caller's AWS set-up.
type cli struct {
	bin string
	env []string
}

func newCLI(bin string, s stack.State, token string) cli {
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "AWS_") {
			env = append(env, kv)
		}
	}
	env = append(env,
		"AWS_REGION="+s.Region, "AWS_ACCESS_KEY_ID=local", "AWS_SECRET_ACCESS_KEY=local",
		"AWS_EC2_METADATA_DISABLED=true", "AWS_CONFIG_FILE=/dev/null", "AWS_SHARED_CREDENTIALS_FILE=/dev/null",
		"AWS_ENDPOINT_URL_SQS="+s.SQSEndpoint,
		producer.EnvQueueURL+"="+s.QueueURL, deploy.DeadLetterQueueVar.Name+"="+s.DeadLetterURL,
		envAPIURL+"="+s.HTTPEndpoint, envToken+"="+token)
	return cli{bin: bin, env: env}
}

// command returns the command line args, not started.
func (c cli) command(ctx context.Context, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = c.env
	return cmd
}

// run runs args and returns its standard output; a failure carries its standard error.
func (c cli) run(ctx context.Context, args ...string) (string, error) {
	var out, errOut bytes.Buffer
	cmd := c.command(ctx, args...)
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		return out.String(), fmt.Errorf("trainstatus %s: %w: %s", args[0], err, strings.TrimSpace(errOut.String()))
	}
	return out.String(), nil
}
