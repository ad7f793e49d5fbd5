package main

import (
	"bytes"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/trainstatus/trainstatus/local/cognito"
	"github.com/trainstatus/trainstatus/local/stack"
)

func TestCheckFreeAndPrintState(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	free, _ := net.Listen("tcp", "127.0.0.1:0")
	freeAddr := free.Addr().String()
	free.Close()

	cases := []struct {
		name  string
		state stack.State
		code  int
	}{
		{"all gone", stack.State{PID: gone.Process.Pid, Addrs: []string{freeAddr}}, 0},
		{"process alive", stack.State{PID: os.Getpid(), Addrs: []string{freeAddr}}, 1},
		{"port still bound", stack.State{PID: gone.Process.Pid, Addrs: []string{l.Addr().String()}}, 1},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "state.json")
			if err := stack.WriteState(path, tc.state); err != nil {
				t.Fatal(err)
			}
			var stderr bytes.Buffer
			if got := run([]string{"-check-free", path}, &bytes.Buffer{}, &stderr); got != tc.code {
				t.Fatalf("exit %d, want %d (%s)", got, tc.code, stderr.String())
			}
		})
	}
	if got := run([]string{"-check-free", filepath.Join(t.TempDir(), "none.json")}, &bytes.Buffer{}, &bytes.Buffer{}); got != 0 {
		t.Errorf("no state file: exit %d, want 0", got)
	}

	path := filepath.Join(t.TempDir(), "state.json")
	st := stack.State{HTTPEndpoint: "http://127.0.0.1:3000", UserPoolID: "local_x", User: &cognito.User{Email: "a@example.com", Password: "pw", IDToken: "tok"}}
	if err := stack.WriteState(path, st); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if code := run([]string{"-print-state", path}, &out, &bytes.Buffer{}); code != 0 {
		t.Fatalf("print-state exit %d", code)
	}
	for _, want := range []string{"http://127.0.0.1:3000", "local_x", "export TOKEN=tok", "a@example.com",
		"tracker page (open in a browser):\n  http://127.0.0.1:3000/\n", "sign in as a@example.com with password pw",
		" TRAINSTATUS_ID_TOKEN=$TOKEN\n"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("print-state output lacks %q:\n%s", want, out.String())
		}
	}
	// The CLI no longer reads $TRAINSTATUS_TOKEN (the ID token's variable is TRAINSTATUS_ID_TOKEN):
	// an export of it would be a line that silently does nothing.
	if strings.Contains(out.String(), "TRAINSTATUS_TOKEN=") {
		t.Errorf("print-state exports the retired $TRAINSTATUS_TOKEN:\n%s", out.String())
	}
}
