package invoke

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/trainstatus/trainstatus/local/proc"
)

// Emulator is one RIE process running one function's bootstrap. It serves one invoke at a time:
// the Pool guarantees it.
type Emulator struct {
	fn     Function
	rie    string
	index  int
	log    *slog.Logger
	client *http.Client

	mu   sync.Mutex    // guards addr and proc, replaced by Restart while Stop may read them
	addr string        // --runtime-interface-emulator-address
	proc *proc.Process // nil until started

	// stops counts calls of Stop. An invoke that sees it change was cut short by an ending
	// emulator, whatever the emulator answered: RIE, sent SIGTERM mid-invoke, may close the
	// connection, answer 502, or answer HTTP 200 with an empty body, depending on timing.
	stops atomic.Uint64
}

// ErrInterrupted is returned by an invoke whose emulator was ended while it ran.
var ErrInterrupted = errors.New("invoke interrupted: emulator ended")

// StartEmulator starts the emulator binary rie for fn on two free loopback ports and returns
// once it accepts connections.
func StartEmulator(ctx context.Context, log *slog.Logger, rie string, fn Function, index int) (*Emulator, error) {
	e := &Emulator{fn: fn, rie: rie, index: index, log: log,
		// No client timeout: the emulator's own deadline (the function timeout) ends every invoke.
		client: &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 1}}}
	return e, e.start(ctx)
}

func (e *Emulator) start(ctx context.Context) error {
	if _, err := os.Stat(e.fn.Bootstrap); err != nil {
		return fmt.Errorf("function %s: bootstrap %s: %w (run `make build-host`)", e.fn.Name, e.fn.Bootstrap, err)
	}
	addrs, err := proc.FreeAddrs(2) // two distinct ports: the invoke API and the runtime API
	if err != nil {
		return err
	}
	addr, api := addrs[0], addrs[1]
	cmd := exec.Command(e.rie,
		"--runtime-interface-emulator-address", addr,
		"--runtime-api-address", api,
		"--log-level", "warn",
		e.fn.Bootstrap)
	cmd.Dir = filepath.Dir(e.fn.Bootstrap)
	cmd.Env = e.fn.environ(os.Getenv("PATH"))
	name := fmt.Sprintf("%s#%d", e.fn.Name, e.index)
	p, err := proc.Start(e.log.With("function", e.fn.Name), name, cmd)
	if err != nil {
		return err
	}
	if err := p.WaitTCP(ctx, addr, 10*time.Second); err != nil {
		p.Stop(time.Second)
		return err
	}
	e.mu.Lock()
	e.addr, e.proc = addr, p
	e.mu.Unlock()
	return nil
}

// Addr is the emulator's own invoke address.
func (e *Emulator) Addr() string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.addr
}

// Restart replaces the emulator process by a fresh one (after a crash or a timeout).
func (e *Emulator) Restart(ctx context.Context) error {
	e.Stop()
	return e.start(ctx)
}

// Stop ends the emulator and its bootstrap.
func (e *Emulator) Stop() {
	e.stops.Add(1) // before the signal: any answer caused by it is seen as interrupted
	e.mu.Lock()
	p := e.proc
	e.mu.Unlock()
	p.Stop(2 * time.Second) // nil-safe
}

// invoke sends one invoke to the emulator. It is not cut short by ctx: an invoke abandoned
// half-way would leave the emulator busy, and the next one would crash it. The emulator's own
// deadline (the function timeout) bounds it; restart tells the caller the emulator must be renewed.
func (e *Emulator) invoke(ctx context.Context, requestID string, payload []byte) (res Result, restart bool, err error) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), e.fn.Timeout+10*time.Second)
	defer cancel()
	url := "http://" + e.Addr() + "/2015-03-31/functions/function/invocations"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(payload))
	if err != nil {
		return Result{}, false, err
	}
	req.Header.Set("X-Amzn-RequestId", requestID)
	stops := e.stops.Load()
	resp, err := e.client.Do(req)
	if err == nil {
		var body []byte
		body, err = io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil {
			if e.stops.Load() != stops {
				return Result{}, true, fmt.Errorf("emulator %s#%d: %w", e.fn.Name, e.index, ErrInterrupted)
			}
			res, restart = classify(resp.StatusCode, body, requestID)
			return res, restart, nil
		}
		err = fmt.Errorf("reading answer: %w", err)
	}
	if e.stops.Load() != stops {
		err = errors.Join(ErrInterrupted, err)
	}
	return Result{}, true, fmt.Errorf("emulator %s#%d: %w", e.fn.Name, e.index, err)
}
