package main

import (
	"context"
	"flag"
)

// tokenCommands are the subcommands of "token"; each registers itself from its own file. They
// manage the signed-in user's reporting tokens through status-query's /me/tokens routes, with
// the user's ID token ($TRAINSTATUS_ID_TOKEN).
var tokenCommands = map[string]command{}

func init() {
	register(commands, "token", command{"create, list or revoke your reporting tokens (create NAME | list | revoke ID)", runToken})
}

func runToken(ctx context.Context, e *env, args []string) error {
	return dispatch(ctx, e, tokenCommands, programName+" token", args)
}

// tokenFlags are the flags every token subcommand has.
type tokenFlags struct{ api, idToken *string }

func addTokenFlags(fs *flag.FlagSet) tokenFlags {
	return tokenFlags{
		api:     fs.String("api-url", "", "the HTTP API's base URL (default $"+EnvAPIURL+", else the config file's)"),
		idToken: fs.String("id-token", "", "the signed-in user's Cognito ID token (default $"+EnvIDToken+")"),
	}
}

func (f tokenFlags) open(e *env) (*meAPI, error) { return newMeAPI(e, *f.api, *f.idToken) }
