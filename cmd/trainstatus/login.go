package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	neturl "net/url"
	"os"
	"strings"

	"github.com/trainstatus/trainstatus/cmd/trainstatus/internal/platform"
)

func init() {
	register(commands, "login", command{"store the API URL and a reporting token in the config file (read from stdin or a prompt)", runLogin})
}

// runLogin stores a reporting token. The secret is read from a prompt that does not echo it
// (stdin a terminal) or from the first line of stdin (a pipe: `pass show ts | trainstatus
// login`), never from the command line, where other users' `ps` and the shell's history see it.
func runLogin(_ context.Context, e *env, args []string) error {
	fs := newFlags(e, "login", "login [--api-url URL]   (the token is read from stdin, or prompted for without echo)")
	api := fs.String("api-url", "", "the HTTP API's base URL (default $"+EnvAPIURL+", else the config file's)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("login: unexpected arguments: the token is read from stdin or a prompt, never from the command line")
	}
	old, _, err := readConfigFile(e)
	if err != nil {
		return err
	}
	base := firstNonEmpty(*api, e.getenv(EnvAPIURL), old.APIURL)
	if base == "" {
		return usagef("login: --api-url or $%s is required (the API's base URL, e.g. the ApiUrl output of the stack)", EnvAPIURL)
	}
	if u, err := neturl.Parse(base); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return usagef("login: the API URL must be an http(s) URL, not %q", base)
	}
	secret, err := readSecret(e)
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if err := checkReportingToken(secret); err != nil {
		return usagef("login: %v", err)
	}
	path, err := saveConfig(e, clientConfig{APIURL: trimSlash(base), Token: secret})
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	fmt.Fprintf(e.stderr, "saved the API URL and the token (%s...) to %s (mode 0600)\n", secret[:8], path)
	if e.getenv(EnvReportingToken) != "" {
		fmt.Fprintf(e.stderr, "note: $%s is set and overrides the file\n", EnvReportingToken)
	}
	fmt.Fprintf(e.stderr, "report a job with: %s run --name my-run -- python train.py\n", programName)
	return nil
}

// readSecret prompts on a terminal without echo, else reads stdin's first line.
func readSecret(e *env) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && platform.IsTerminal(f) {
		fmt.Fprint(e.stderr, "Reporting token (tsk_..., not shown): ")
		b, err := platform.ReadPassword(f)
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("reading the token: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the token from stdin: %w", err)
	}
	if line = strings.TrimSpace(line); line == "" {
		return "", errors.New("no token on stdin (pipe it in, or run login in a terminal to be prompted)")
	}
	return line, nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}
