"""A stand-in for POST /v1/events on 127.0.0.1 that answers as the ingest endpoint's contract
says (BRIEF: "Ingest endpoint"), and fails, stalls and throttles on command: the fault cases of
the reporter's tests. Tests synchronise on what it received (wait_for), never on sleeps."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Optional


class Request:
    def __init__(self, headers: Dict[str, str], body: Any, at: float) -> None:
        self.headers = headers
        self.body = body
        self.at = at  # time.monotonic() when it arrived

    @property
    def events(self) -> List[Dict[str, Any]]:
        return self.body.get("events", []) if isinstance(self.body, dict) else []


class Answer:
    """What the server does with one request. status 200/503 answer per event: accepted, or
    refused (indexes in `refuse`), or retry (indexes in `retry`)."""

    def __init__(self, status: int = 200, *, retry: Optional[List[int]] = None, refuse: Optional[List[int]] = None,
                 retry_after: Optional[str] = None, stall: Optional[threading.Event] = None,
                 when: Optional[Callable[[Request], bool]] = None) -> None:
        self.status, self.retry, self.refuse = status, retry or [], refuse or []
        self.retry_after, self.stall, self.when = retry_after, stall, when


class FaultServer:
    def __init__(self) -> None:
        self.requests: List[Request] = []
        self.accepted: List[Dict[str, Any]] = []
        self.script: List[Answer] = []
        self.holding = 0  # requests held by a stall right now
        self.cond = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", "0"))
                raw = self.rfile.read(n)
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = None
                server._handle(self, Request(dict(self.headers), body, time.monotonic()))

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        # A short poll: close() (shutdown) returns within it, not within the default half second.
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self.thread.start()

    # ---- commands ----

    def then(self, *answers: Answer) -> "FaultServer":
        """Answers the next requests so, in order; then 200s."""
        with self.cond:
            self.script.extend(answers)
        return self

    def wait_for(self, pred: Callable[["FaultServer"], bool], timeout: float = 60.0) -> None:
        """Waits until pred holds (a guard against a hang, not a measured time)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while not pred(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"condition not reached; requests: {[r.body for r in self.requests]}")
                self.cond.wait(left)

    def events(self, status: Optional[str] = None) -> List[Dict[str, Any]]:
        with self.cond:
            return [e for e in self.accepted if status is None or e["status"] == status]

    def close(self) -> None:
        with self.cond:
            for a in self.script:
                if a.stall is not None:
                    a.stall.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    # ---- the endpoint ----

    def _handle(self, h: BaseHTTPRequestHandler, req: Request) -> None:
        with self.cond:
            self.requests.append(req)
            answer = None
            if self.script and (self.script[0].when is None or self.script[0].when(req)):
                answer = self.script.pop(0)
            if answer is not None and answer.stall is not None:
                self.holding += 1
            self.cond.notify_all()
        answer = answer or Answer()
        if answer.stall is not None:
            answer.stall.wait()
            with self.cond:
                self.holding -= 1
                self.cond.notify_all()
        status, payload = self._reply(answer, req)
        body = json.dumps(payload).encode()
        try:
            h.send_response(status)
            h.send_header("Content-Type", "application/json")
            h.send_header("Content-Length", str(len(body)))
            if answer.retry_after is not None:
                h.send_header("Retry-After", answer.retry_after)
            if status == 401:
                h.send_header("WWW-Authenticate", "Bearer")
            h.end_headers()
            h.wfile.write(body)
        except OSError:
            pass  # the client gave up (its deadline)

    def _reply(self, a: Answer, req: Request) -> Any:
        if a.status not in (200, 503):
            codes = {401: "unauthorized", 429: "rate_limited", 400: "invalid_body"}
            return a.status, {"error": {"code": codes.get(a.status, "internal"), "message": "fault injected"}}
        if not isinstance(req.body, dict) or not isinstance(req.body.get("events"), list):
            return 400, {"error": {"code": "invalid_body", "message": "not a batch"}}
        results, accepted, refused = [], 0, 0
        with self.cond:
            for i, e in enumerate(req.events):
                if i in a.retry:
                    results.append({"index": i, "request_id": e.get("request_id"), "status": "retry"})
                elif i in a.refuse:
                    refused += 1
                    results.append({"index": i, "request_id": e.get("request_id"), "status": "refused",
                                    "field": "progress", "reason": "must be a number from 0 to 100"})
                else:
                    accepted += 1
                    self.accepted.append(e)
                    results.append({"index": i, "request_id": e.get("request_id"), "status": "accepted"})
            self.cond.notify_all()
        return a.status, {"accepted": accepted, "refused": refused, "results": results}


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens: connection refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return f"http://127.0.0.1:{port}"
