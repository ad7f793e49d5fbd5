package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"text/tabwriter"

	"github.com/trainstatus/trainstatus/pkg/deploy"
	"github.com/trainstatus/trainstatus/pkg/statusapi"
)

func init() {
	register(tokenCommands, "list", command{"list your reporting tokens, newest first (never their secrets)", runTokenList})
}

func runTokenList(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token list", "token list [--json] [--api-url URL] [--id-token TOKEN]")
	tf := addTokenFlags(fs)
	asJSON := fs.Bool("json", false, "one JSON object a line")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usagef("token list: unexpected arguments %q", pos)
	}
	api, err := tf.open(e)
	if err != nil {
		return err
	}
	var list statusapi.TokenList
	if err := api.do(ctx, http.MethodGet, deploy.ListTokensRoute.Path, nil, &list); err != nil {
		return fmt.Errorf("token list: %w", err)
	}
	if *asJSON {
		enc := json.NewEncoder(e.stdout)
		for _, t := range list.Tokens {
			if err := enc.Encode(t); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tNAME\tPREFIX\tCREATED\tLAST USED")
	for _, t := range list.Tokens {
		fmt.Fprintf(tw, "%s\t%s\t%s...\t%s\t%s\n", sanitize(t.ID), oneLine(sanitize(t.Name), 64), sanitize(t.Prefix),
			sanitize(t.CreatedAt), orDash(sanitize(t.LastUsedAt)))
	}
	return tw.Flush()
}
