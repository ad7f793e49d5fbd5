package proc

import (
	"fmt"
	"net"
	"sync"
	"time"
)

// given remembers the ports FreeAddrs handed out in this process, so that it never hands out one
// twice: a port a stopped child just released could otherwise be given to the next child while the
// first one's late connections still reach it.
var given struct {
	sync.Mutex
	ports map[int]bool
}

// FreeAddrs returns n distinct addresses 127.0.0.1:<port> whose ports were free a moment ago and
// were never handed out before in this process. All n are held open together while they are
// chosen, so two of them can never be the same port (two FreeAddr calls in a row can be: the
// kernel may give the first port again once it is closed).
func FreeAddrs(n int) ([]string, error) {
	given.Lock()
	defer given.Unlock()
	if given.ports == nil {
		given.ports = map[int]bool{}
	}
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	var out []string
	for tries := 0; len(out) < n; tries++ {
		if tries > 100*n {
			return nil, fmt.Errorf("proc: no %d unused loopback ports after %d tries", n, tries)
		}
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		held = append(held, l)
		port := l.Addr().(*net.TCPAddr).Port
		if given.ports[port] {
			continue
		}
		given.ports[port] = true
		out = append(out, l.Addr().String())
	}
	return out, nil
}

// FreeAddr returns one address of FreeAddrs.
func FreeAddr() (string, error) {
	addrs, err := FreeAddrs(1)
	if err != nil {
		return "", err
	}
	return addrs[0], nil
}

// CheckFree returns an error naming addr if something still accepts connections there.
func CheckFree(addr string) error {
	c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
	if err != nil {
		return nil
	}
	c.Close()
	return fmt.Errorf("%s is still bound", addr)
}
