// Package fauxqs runs fauxqs, the SQS emulator from npm, on Node 22 bound to 127.0.0.1, and
// creates the stack's queues (training-events and its dead-letter queue with a redrive policy).
package fauxqs

import (
	"context"
	_ "embed"
	"log/slog"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/trainstatus/trainstatus/local/deps"
	"github.com/trainstatus/trainstatus/local/proc"
)

//go:embed serve.mjs
var serveScript string

// Server is a running fauxqs.
type Server struct {
	Addr     string // 127.0.0.1:port
	Endpoint string // http://127.0.0.1:port, for AWS_ENDPOINT_URL_SQS
	proc     *proc.Process
}

// Start runs fauxqs on addr ("" or a port 0 picks a free port) and returns once it listens.
func Start(ctx context.Context, log *slog.Logger, tools deps.Tools, addr string) (*Server, error) {
	if addr == "" || addr == "127.0.0.1:0" {
		a, err := proc.FreeAddr()
		if err != nil {
			return nil, err
		}
		addr = a
	}
	_, port, _ := cutPort(addr)
	cmd := exec.Command(tools.Node, "--input-type=module", "-e", serveScript)
	cmd.Env = []string{
		"FAUXQS_MODULE=" + filepath.Join(tools.FauxqsDir, "node_modules", "fauxqs", "dist", "app.js"),
		"FAUXQS_PORT=" + port,
		"NODE_NO_WARNINGS=1",
	}
	p, err := proc.Start(log, "fauxqs", cmd)
	if err != nil {
		return nil, err
	}
	if err := p.WaitTCP(ctx, addr, 15*time.Second); err != nil {
		p.Stop(time.Second)
		return nil, err
	}
	return &Server{Addr: addr, Endpoint: "http://" + addr, proc: p}, nil
}

// Stop ends fauxqs.
func (s *Server) Stop() {
	if s != nil {
		s.proc.Stop(3 * time.Second)
	}
}

func cutPort(addr string) (host, port string, ok bool) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], true
		}
	}
	return addr, "", false
}
