package dynamodblocal

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// Server is a DynamoDB Local process started by Start.
type Server struct {
	Endpoint string // http://127.0.0.1:<port>
	cmd      *exec.Cmd
	done     chan error
}

// Start installs DynamoDB Local if needed and starts it in memory on a free loopback port. It
// returns once the server answers. Stop ends it.
func Start(ctx context.Context) (*Server, error) {
	java, err := exec.LookPath("java")
	if err != nil {
		return nil, errors.New("dynamodblocal: java not found: DynamoDB Local needs Java 17 (Debian: apt-get install openjdk-17-jre-headless)")
	}
	dir, err := Dir()
	if err != nil {
		return nil, err
	}
	jarDir, err := Install(ctx, dir)
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"-Djava.library.path=" + filepath.Join(jarDir, "DynamoDBLocal_lib")}
	if launcher := compileLauncher(ctx, dir, jarDir); launcher != "" {
		args = append(args, "-cp", filepath.Join(jarDir, "DynamoDBLocal.jar")+string(os.PathListSeparator)+launcher, launcherClass)
	} else {
		args = append(args, "-jar", filepath.Join(jarDir, "DynamoDBLocal.jar"))
	}
	args = append(args, "-inMemory", "-port", strconv.Itoa(port), "-disableTelemetry")
	cmd := exec.Command(java, args...)
	cmd.Dir = jarDir
	cmd.Stderr = os.Stderr
	// Its own process group, so Stop ends the JVM and anything it started.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("dynamodblocal: starting DynamoDB Local: %w", err)
	}
	s := &Server{Endpoint: fmt.Sprintf("http://127.0.0.1:%d", port), cmd: cmd, done: make(chan error, 1)}
	go func() { s.done <- cmd.Wait() }()
	if err := s.waitReady(ctx, 60*time.Second); err != nil {
		s.Stop()
		return nil, err
	}
	return s, nil
}

func (s *Server) waitReady(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	client := NewClient(s.Endpoint)
	for {
		attempt, cancelAttempt := context.WithTimeout(ctx, 2*time.Second)
		_, err := client.ListTables(attempt, &dynamodb.ListTablesInput{})
		cancelAttempt()
		if err == nil {
			return nil
		}
		select {
		case exitErr := <-s.done:
			s.done <- exitErr
			return fmt.Errorf("dynamodblocal: DynamoDB Local exited before it was ready: %v", exitErr)
		case <-ctx.Done():
			return fmt.Errorf("dynamodblocal: DynamoDB Local not ready at %s after %s: %v", s.Endpoint, limit, err)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// Stop ends the server and waits for it to exit.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
