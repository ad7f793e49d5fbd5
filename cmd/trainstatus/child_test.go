package main

import (
	"bufio"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// envChild makes the test binary a command for run to wrap (TestMain), doing what its
// arguments say: the tests need a command that exits, fails, prints progress or waits, on every
// system, without a shell.
const envChild = "TRAINSTATUS_TEST_CHILD"

func TestMain(m *testing.M) {
	if os.Getenv(envChild) != "" {
		os.Exit(child(os.Args[1:]))
	}
	// The background sender's waits after a failure, short: the tests' faults are scripted.
	sendPolicy.Base, sendPolicy.Max = time.Millisecond, 5*time.Millisecond
	os.Exit(m.Run())
}

// child runs one mode:
//
//	exit N         "out" on stdout, two lines on stderr (the second with a colour), exit N
//	flood N        N numbered lines of stderr, exit 1
//	progress       progress lines on stderr the way a bar draws them (\r), exit 0
//	progress-stdout  one progress line on stdout, exit 0
//	stdin          "ready", then wait for stdin's end; exit 0
//	block          "ready PID", then wait to be killed
//	trap           "ready" once SIGTERM is caught; on SIGTERM "caught SIGTERM" on stderr, exit 7
//	env            print $TRAINSTATUS_JOB_ID
func child(args []string) int {
	switch args[0] {
	case "exit":
		n, _ := strconv.Atoi(args[1])
		fmt.Println("out")
		fmt.Fprint(os.Stderr, "Traceback (most recent call last):\n\x1b[31mRuntimeError: CUDA out of memory\x1b[0m\n")
		return n
	case "flood":
		n, _ := strconv.Atoi(args[1])
		w := bufio.NewWriter(os.Stderr)
		for i := range n {
			fmt.Fprintf(w, "line %05d %s\n", i, strings.Repeat("x", 60))
		}
		w.Flush()
		return 1
	case "progress": // as tqdm draws: on stderr, each line ended by \r
		fmt.Fprint(os.Stderr, "epoch 1 10%\r")
		fmt.Fprint(os.Stderr, "epoch 2 55.5%\r")
		fmt.Print("done\n")
		return 0
	case "progress-stdout":
		fmt.Println("step 5/10 (50%)")
		return 0
	case "stdin":
		fmt.Println("ready")
		bufio.NewReader(os.Stdin).ReadString(0)
		return 0
	case "block":
		fmt.Printf("ready %d\n", os.Getpid())
		select {}
	case "trap":
		c := make(chan os.Signal, 1)
		signal.Notify(c, syscall.SIGTERM)
		fmt.Println("ready")
		<-c
		fmt.Fprintln(os.Stderr, "caught SIGTERM")
		return 7
	case "env":
		fmt.Println(os.Getenv(EnvJobID))
		return 0
	}
	fmt.Fprintln(os.Stderr, "unknown child mode", args)
	return 99
}
