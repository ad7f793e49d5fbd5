package proc

import (
	"fmt"
	"net"
	"time"
)

// FreeAddr returns 127.0.0.1:<port> with a port that was free a moment ago.
func FreeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
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
