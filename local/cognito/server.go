// Package cognito runs cognito-local (npm) on Node 22 as the stack's user pool: it writes its
// .cognito/config.json (Lambda endpoint, PostConfirmation and PostAuthentication triggers, issuer, 127.0.0.1 and port),
// starts it with a fresh database, and creates the user pool and app client.
//
// Facts this relies on (cognito-local 5.3.0): the ID token has iss=<IssuerDomain>/<poolId>,
// aud=<client id>, token_use=id, RS256 with kid "CognitoLocal"; the access token has client_id
// instead of aud; the JWKS is at /<poolId>/.well-known/jwks.json. A failing trigger is logged by
// cognito-local and the sign-up still fails with UserLambdaValidationException.
package cognito

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"time"

	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/proc"
)

// Config says where cognito-local runs and which functions its triggers invoke.
type Config struct {
	Addr             string // 127.0.0.1:port; "" picks a free port
	Dir              string // working directory; its .cognito/db is wiped at start
	LambdaEndpoint   string // the local Lambda Invoke API, e.g. http://127.0.0.1:3001
	PostConfirmation string // function name, e.g. user-signup; "" for no trigger
	// PostAuthentication runs at each sign-in (USER_PASSWORD_AUTH); "" for no trigger.
	// cognito-local ignores its error, where Cognito would fail the sign-in.
	PostAuthentication string
}

// Server is a running cognito-local.
type Server struct {
	Addr     string // 127.0.0.1:port
	Endpoint string // http://127.0.0.1:port; also the issuer domain
	Dir      string
	proc     *proc.Process
}

// Start writes the config and starts cognito-local, returning once it listens.
func Start(ctx context.Context, log *slog.Logger, tools deps.Tools, cfg Config) (*Server, error) {
	addr := cfg.Addr
	if addr == "" || addr == "127.0.0.1:0" {
		a, err := proc.FreeAddr()
		if err != nil {
			return nil, err
		}
		addr = a
	}
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	port, _ := strconv.Atoi(portStr)
	endpoint := "http://" + addr
	if err := writeConfig(cfg, host, port, endpoint); err != nil {
		return nil, err
	}
	cmd := exec.Command(tools.Node, tools.CognitoLocal)
	cmd.Dir = cfg.Dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + cfg.Dir, "PORT=" + portStr, "HOST=" + host, "NO_COLOR=1", "FORCE_COLOR=0", "NODE_NO_WARNINGS=1"}
	p, err := proc.Start(log, "cognito-local", cmd)
	if err != nil {
		return nil, err
	}
	if err := p.WaitTCP(ctx, addr, 20*time.Second); err != nil {
		p.Stop(time.Second)
		return nil, err
	}
	return &Server{Addr: addr, Endpoint: endpoint, Dir: cfg.Dir, proc: p}, nil
}

// Stop ends cognito-local.
func (s *Server) Stop() {
	if s != nil {
		s.proc.Stop(3 * time.Second)
	}
}

func writeConfig(cfg Config, host string, port int, endpoint string) error {
	dir := filepath.Join(cfg.Dir, ".cognito")
	if err := os.RemoveAll(filepath.Join(dir, "db")); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Join(dir, "db"), 0o755); err != nil {
		return err
	}
	triggers := map[string]string{}
	if cfg.PostConfirmation != "" {
		triggers["PostConfirmation"] = cfg.PostConfirmation
	}
	if cfg.PostAuthentication != "" {
		triggers["PostAuthentication"] = cfg.PostAuthentication
	}
	conf := map[string]any{
		"LambdaClient": map[string]any{
			"endpoint":    cfg.LambdaEndpoint,
			"region":      "us-east-1",
			"credentials": map[string]string{"accessKeyId": "local", "secretAccessKey": "local"},
		},
		"TriggerFunctions": triggers,
		"TokenConfig":      map[string]string{"IssuerDomain": endpoint},
		"ServerConfig":     map[string]any{"hostname": host, "port": port},
		"UserPoolDefaults": map[string]any{"UsernameAttributes": []string{"email"}},
	}
	b, err := json.MarshalIndent(conf, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "config.json"), b, 0o644); err != nil {
		return fmt.Errorf("writing cognito-local config: %w", err)
	}
	return nil
}
