"""The cost of one `job.progress` call to the training loop, with the endpoint slow (every answer
takes 1 s) and down (connection refused), against a baseline of the cheapest thing a call could
do (a method that stores into a dict), measured in the same run.

Prints `go test -bench`-style lines, which internal/tools/benchreport turns into the "python"
section of BENCHMARKS.md (`make bench-python`):

    BenchmarkProgress/endpoint=slow  200000  412 ns/op  1.2 p50-us  3.4 p99-us ...
"""

from __future__ import annotations

import gc
import os
import socket
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

import trainstatus  # noqa: E402
from trainstatus import _runtime  # noqa: E402

CALLS = int(os.environ.get("BENCH_CALLS", "200000"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
TOKEN = "tsk_" + "b" * 32


class Slow(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        time.sleep(1.0)  # the slow endpoint being simulated
        body = b'{"accepted":0,"refused":0,"results":[]}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def closed_port() -> str:
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"


class Baseline:
    """What a call could cost at the least: a method storing a tuple into a dict."""

    def __init__(self):
        self.d = {}

    def progress(self, pct, message=None):
        self.d["k"] = (self, time.time(), pct, message)


def measure(target) -> list:
    times = [0] * CALLS
    clock = time.perf_counter_ns
    msg = "epoch 3/10"
    gc.collect()
    for i in range(CALLS):
        t0 = clock()
        target.progress(i % 100, msg)
        times[i] = clock() - t0
    return times


def pct(sorted_ns: list, q: float) -> float:
    return sorted_ns[min(len(sorted_ns) - 1, int(q * len(sorted_ns)))] / 1000.0


def line(name: str, times: list) -> str:
    s = sorted(times)
    mean = sum(s) / len(s)
    return (f"BenchmarkProgress/{name} {len(s)} {mean:.0f} ns/op {pct(s, 0.5):.3f} p50-us "
            f"{pct(s, 0.99):.3f} p99-us {pct(s, 0.999):.3f} p999-us {s[-1] / 1000.0:.1f} max-us")


def main() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Slow)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    slow = f"http://127.0.0.1:{httpd.server_address[1]}"
    down = closed_port()
    print(f"# {CALLS} calls per round, {ROUNDS} rounds; python {sys.version.split()[0]}; "
          f"slow endpoint {slow} (1 s per answer), down endpoint {down}", flush=True)
    for _ in range(ROUNDS):
        # Variant and baseline alternate, so that the machine's load hits both alike.
        print(line("baseline-dict-store", measure(Baseline())), flush=True)
        for name, url in (("endpoint=slow", slow), ("endpoint=down", down)):
            job = trainstatus.job("bench", api_url=url, token=TOKEN, heartbeat_seconds=0, flush_timeout=0).start()
            assert job.reporting
            print(line(name, measure(job)), flush=True)
            job.succeed()
            _runtime.reset()
    httpd.shutdown()


if __name__ == "__main__":
    main()
