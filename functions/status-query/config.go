package main

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/trainstatus/trainstatus/pkg/ddb"
	"github.com/trainstatus/trainstatus/pkg/deploy"
)

// ErrConfig: the function's environment is missing something or holds a value it cannot use.
var ErrConfig = errors.New("status-query: misconfigured")

// config is what the function reads from its environment.
type config struct {
	statusTable, userTable, tokensTable string
	// cursors signs page cursors with CURSOR_SECRET and accepts CURSOR_SECRET_PREVIOUS's too.
	cursors     *ddb.CursorCodec
	stallWindow time.Duration
}

// processEnv reads the process environment (tests replace it).
var processEnv = os.Getenv

// readConfig reads and checks the variables deploy.StatusQueryFunction declares (opts go to the
// cursor codec: tests set its clock). Errors wrap ErrConfig, name the variable and never show a
// secret.
func readConfig(getenv func(string) string, opts ...ddb.CursorOption) (config, error) {
	var c config
	for _, v := range []struct {
		name string
		dst  *string
	}{{deploy.StatusTableVar.Name, &c.statusTable}, {deploy.UserTableVar.Name, &c.userTable}, {deploy.TokensTableVar.Name, &c.tokensTable}} {
		if *v.dst = getenv(v.name); *v.dst == "" {
			return c, fmt.Errorf("%w: %s must be set", ErrConfig, v.name)
		}
	}
	current, previous := getenv(deploy.CursorSecretVar.Name), getenv(deploy.CursorSecretPreviousVar.Name)
	for _, s := range []struct {
		name, value string
		required    bool
	}{{deploy.CursorSecretVar.Name, current, true}, {deploy.CursorSecretPreviousVar.Name, previous, false}} {
		if (s.required || s.value != "") && len(s.value) < deploy.CursorSecretMinBytes {
			return c, fmt.Errorf("%w: %s must be set to a key of at least %d bytes (it has %d)",
				ErrConfig, s.name, deploy.CursorSecretMinBytes, len(s.value))
		}
	}
	codec, err := ddb.NewCursorCodec([]byte(current), append([]ddb.CursorOption{ddb.WithPreviousSecret([]byte(previous))}, opts...)...)
	if err != nil {
		return c, fmt.Errorf("%w: %s, %s: %w", ErrConfig, deploy.CursorSecretVar.Name, deploy.CursorSecretPreviousVar.Name, err)
	}
	c.cursors = codec
	if c.stallWindow, err = parseStallWindow(getenv(deploy.StallWindowVar.Name)); err != nil {
		return c, err
	}
	return c, nil
}

// parseStallWindow reads STALL_WINDOW: a Go duration of at least a second (the API shows it in
// whole seconds), deploy.StallWindowVar's default when unset.
func parseStallWindow(s string) (time.Duration, error) {
	d, err := deploy.ParseStallWindow(s)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return d, nil
}
