package main

import (
	"context"
	"fmt"
	"net/http"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
	"github.com/trainstatus/trainstatus/pkg/token"
)

func init() {
	register(tokenCommands, "create", command{"create a reporting token; its secret is printed once", runTokenCreate})
}

func runTokenCreate(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token create", "token create NAME [--save] [--api-url URL] [--id-token TOKEN]")
	tf := addTokenFlags(fs)
	save := fs.Bool("save", false, "also store the secret and the API URL in the config file, as `login` does")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("token create: want one NAME (e.g. lab-gpu-3), got %d arguments", len(pos))
	}
	if err := token.CheckName(pos[0]); err != nil {
		return usagef("token create: %v", err)
	}
	api, err := tf.open(e)
	if err != nil {
		return err
	}
	var created statusapi.CreatedToken
	if err := api.do(ctx, http.MethodPost, deploy.CreateTokenRoute.Path, statusapi.TokenCreate{Name: pos[0]}, &created); err != nil {
		return fmt.Errorf("token create: %w", err)
	}
	if err := checkReportingToken(created.Secret); err != nil {
		return fmt.Errorf("token create: the API answered without a secret: %w", err)
	}
	t := created.Token
	// The secret alone on stdout, so that SECRET=$(trainstatus token create NAME) works.
	fmt.Fprintln(e.stdout, created.Secret)
	fmt.Fprintf(e.stderr, "created token %s (%s, %s...): the secret above is shown this once; only its hash is stored\n",
		sanitize(t.ID), oneLine(sanitize(t.Name), 64), sanitize(t.Prefix))
	if !*save {
		fmt.Fprintf(e.stderr, "store it with: %s login   (or set $%s)\n", programName, EnvReportingToken)
		return nil
	}
	path, err := saveConfig(e, clientConfig{APIURL: api.base, Token: created.Secret})
	if err != nil {
		return fmt.Errorf("token create: the token was created, but not saved: %w", err)
	}
	fmt.Fprintf(e.stderr, "saved to %s\n", path)
	return nil
}
