package ses

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"os/exec"
	"time"

	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/proc"
)

// Server is a running aws-ses-v2-local.
type Server struct {
	addr string // 127.0.0.1:port
	proc *proc.Process
	Store
}

// Start runs aws-ses-v2-local on 127.0.0.1 at addr ("" picks a free port) and returns once it
// listens. A port it picked that another process took in the meantime is replaced, twice at most.
func Start(ctx context.Context, log *slog.Logger, tools deps.Tools, addr string) (*Server, error) {
	if addr != "" && addr != "127.0.0.1:0" {
		return start(ctx, log, tools, addr)
	}
	var errs []error
	for range 3 {
		a, err := proc.FreeAddr()
		if err != nil {
			return nil, err
		}
		srv, err := start(ctx, log, tools, a)
		if err == nil || ctx.Err() != nil {
			return srv, err
		}
		errs = append(errs, err)
	}
	return nil, errors.Join(errs...)
}

func start(ctx context.Context, log *slog.Logger, tools deps.Tools, addr string) (*Server, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(tools.Node, tools.SESLocal, "--host", host, "--port", port)
	cmd.Env = []string{"NODE_NO_WARNINGS=1", "NO_COLOR=1"}
	p, err := proc.Start(log, "aws-ses-v2-local", cmd)
	if err != nil {
		return nil, err
	}
	if err := p.WaitTCP(ctx, addr, 20*time.Second); err != nil {
		p.Stop(time.Second)
		return nil, err
	}
	return &Server{addr: addr, proc: p, Store: Store{Endpoint: "http://" + addr}}, nil
}

// Addr is 127.0.0.1:port.
func (s *Server) Addr() string { return s.addr }

// Endpoint is http://127.0.0.1:port, for AWS_ENDPOINT_URL_SESV2 (or the client's BaseEndpoint).
func (s *Server) Endpoint() string { return s.Store.Endpoint }

// Close ends the emulator (and its store).
func (s *Server) Close() {
	if s != nil {
		s.proc.Stop(3 * time.Second)
	}
}
