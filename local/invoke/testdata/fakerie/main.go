// Command fakerie is a fault-injecting stand-in for aws-lambda-rie, for one test: it serves the
// invoke endpoint on --runtime-interface-emulator-address, calls the payload's "call" URL (a
// testenv.Gate, so the test knows the invoke is in flight), and when sent SIGTERM answers the
// invoke in flight with HTTP 200 and an empty body before exiting. The real emulator does that,
// too, in some timings of its reset (its handler falls through to a 200 with whatever body it
// has): the race behind TestPoolStopDuringInvoke's "the interrupted invoke succeeded".
package main

import (
	"encoding/json"
	"flag"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

func main() {
	addr := flag.String("runtime-interface-emulator-address", "", "")
	flag.String("runtime-api-address", "", "")
	flag.String("log-level", "", "")
	flag.Parse()
	term := make(chan os.Signal, 1)
	signal.Notify(term, syscall.SIGTERM)
	stop := make(chan struct{})
	var inflight sync.WaitGroup
	l, err := net.Listen("tcp", *addr)
	if err != nil {
		os.Exit(2)
	}
	go func() {
		_ = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			inflight.Add(1)
			defer inflight.Done()
			var p struct {
				Call string `json:"call"`
			}
			b, _ := io.ReadAll(r.Body)
			_ = json.Unmarshal(b, &p)
			if p.Call != "" {
				go func() {
					if resp, err := http.Get(p.Call); err == nil {
						resp.Body.Close()
					}
				}()
			}
			<-stop
			w.WriteHeader(http.StatusOK) // empty body, as RIE's reset path
			w.(http.Flusher).Flush()
		}))
	}()
	<-term
	close(stop)
	inflight.Wait()
	os.Exit(0)
}
