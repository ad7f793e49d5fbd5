package main

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	neturl "net/url"
	"strings"

	"github.com/trainstatus/trainstatus/pkg/deploy"
)

func init() {
	register(tokenCommands, "revoke", command{"revoke reporting tokens by id (see token list)", runTokenRevoke})
}

func runTokenRevoke(ctx context.Context, e *env, args []string) error {
	fs := newFlags(e, "token revoke", "token revoke ID... [--api-url URL] [--id-token TOKEN]")
	tf := addTokenFlags(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usagef("token revoke: want at least one token ID (see `%s token list`)", programName)
	}
	api, err := tf.open(e)
	if err != nil {
		return err
	}
	var errs []error
	for _, id := range pos {
		path := strings.Replace(deploy.DeleteTokenRoute.Path, "{"+deploy.PathTokenID+"}", neturl.PathEscape(id), 1)
		err := api.do(ctx, http.MethodDelete, path, nil, nil)
		var ae *apiError
		switch {
		case errors.As(err, &ae) && ae.Code == http.StatusNotFound:
			errs = append(errs, fmt.Errorf("token revoke %s: no such token of yours", id))
		case err != nil:
			errs = append(errs, fmt.Errorf("token revoke %s: %w", id, err))
		default:
			// The ingest function caches a token's owner for TOKEN_CACHE_TTL.
			fmt.Fprintf(e.stdout, "revoked %s (refused everywhere within the ingest function's %s, %s by default)\n",
				sanitize(id), deploy.TokenCacheTTLVar.Name, deploy.TokenCacheTTLVar.Default)
		}
	}
	return errors.Join(errs...)
}
