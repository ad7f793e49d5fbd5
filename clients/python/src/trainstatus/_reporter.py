"""The sender: one background thread per endpoint and token that turns what jobs enqueue into
batched POST /v1/events requests.

Why it never blocks or deadlocks the training: the callers' side takes no lock at all. A progress
report is one store into a dict (`progress`, latest wins per job: coalescing for free), a STARTED
or final event one append to a deque (`lifecycle`); both are atomic in CPython and thread-safe by
their documentation. The sender is woken through a socket pair (a non-blocking send, no lock), at
most once per send cycle for progress. So a signal handler (SIGTERM) or a forked child can never
find a lock held by the code it interrupted or copied, and a slow, stalled or dead endpoint only
ever holds up this thread."""

from __future__ import annotations

import os
import random
import select
import socket
import threading
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Deque, Dict, List, Optional, Tuple

from . import _event, _problems, _transport
from ._config import Config

if TYPE_CHECKING:
    from ._job import Job

# A queued progress report: (job, time, seq, progress as given, message as given).
Progress = Tuple["Job", float, int, Any, Any]

LIFECYCLE_MAX = 10000  # STARTED and final events waiting or being retried; beyond: dropped, told once
BACKOFF_BASE = 0.5
BACKOFF_CAP = 60.0
FLUSH_BACKOFF_CAP = 0.5  # while someone waits for a flush, a dead endpoint is tried this often
REQUEST_TIMEOUT = 10.0
SEND_INTERVAL = 1.0  # progress is sent at most this often (events in between are coalesced)


class Reporter:
    def __init__(self, cfg: Config, *, send_interval: float = SEND_INTERVAL, exit_timeout: float = 5.0,
                 request_timeout: float = REQUEST_TIMEOUT) -> None:
        self.cfg = cfg
        self.url = cfg.events_url
        self.send_interval = send_interval
        self.exit_timeout = exit_timeout
        self.request_timeout = request_timeout
        self.progress: Dict[str, Progress] = {}
        self.lifecycle: Deque[Dict[str, Any]] = deque()
        self.jobs: Dict[str, "Job"] = {}  # open jobs: heartbeats, SIGTERM, exit
        self.progress_wake = False
        self.dead = False  # a forked child's copy, or closed: never sends
        self.disabled = False  # the token was refused: drops everything
        # Sender-only state.
        self._retry: List[Dict[str, Any]] = []
        self._retry_at = 0.0  # the backoff's next try
        self._honour_until = 0.0  # the last Retry-After: nothing is sent before it
        self._last_attempt = 0.0
        self._attempt = 0
        self._last_progress_send = 0.0
        self._in_flight = 0
        self._batch_max = _event.BATCH_MAX
        self._stop = False
        self._waiters: List[Tuple[threading.Event, float]] = []
        self._rsock, self._wsock = socket.socketpair()
        self._rsock.setblocking(False)
        self._wsock.setblocking(False)
        self.sent = 0  # events the endpoint acknowledged (accepted or refused for good)
        self.cycles = 0  # wake-ups of the sender (a test proves it never spins)
        self._thread = threading.Thread(target=self._run, name="trainstatus-sender", daemon=True)
        self._thread.start()

    # ---- callers' side: no locks, no I/O but one non-blocking send ----

    def wake(self) -> None:
        try:
            self._wsock.send(b"\0")
        except (BlockingIOError, OSError):
            pass  # already plenty of wake-ups pending, or closed

    def put_lifecycle(self, e: Dict[str, Any]) -> None:
        if self.dead or self.disabled:
            return
        if len(self.lifecycle) + len(self._retry) + self._in_flight >= LIFECYCLE_MAX:
            _problems.once("queue_full", "%d events are waiting to be sent: dropping new ones until the API "
                           "takes them (memory stays bounded)", LIFECYCLE_MAX)
            return
        self.lifecycle.append(e)
        self.wake()

    def pending(self) -> int:
        return len(self.lifecycle) + len(self.progress) + len(self._retry) + self._in_flight

    def flush(self, timeout: float) -> bool:
        """Waits until everything queued so far is delivered, or timeout seconds; True when
        delivered. Safe in a signal handler: it waits on an Event of its own."""
        if self.dead:
            return True
        done = threading.Event()
        entry = (done, time.monotonic() + max(timeout, 0.0))
        self._waiters.append(entry)
        self.wake()
        try:
            return done.wait(max(timeout, 0.0)) or self.pending() == 0
        finally:
            try:
                self._waiters.remove(entry)
            except ValueError:
                pass

    def close(self, timeout: float = 5.0) -> None:
        """Stops the thread (tests; a process exits without it)."""
        self._stop = True
        self.wake()
        self._thread.join(timeout)
        self.dead = True
        for s in (self._rsock, self._wsock):
            try:
                s.close()
            except OSError:
                pass

    # ---- the sender thread ----

    def _run(self) -> None:
        while not self._stop:
            try:
                timeout = self._next_due(time.monotonic())
                select.select([self._rsock], [], [], timeout)
                try:
                    while self._rsock.recv(4096):
                        pass
                except (BlockingIOError, OSError):
                    pass
                if self._stop or self.dead:
                    break
                self.cycles += 1
                self._cycle()
            except Exception as e:  # a bug here must not end reporting for good, nor spin
                _problems.once("internal_sender", "internal error in the sender (%r); reporting goes on", e)
                time.sleep(1.0)

    def _flushing(self) -> bool:
        return bool(self._waiters)

    def _may_send_at(self) -> float:
        """When the next request may go: after the backoff, or, while someone waits for a flush,
        FLUSH_BACKOFF_CAP after the last try; never before a Retry-After."""
        at = self._retry_at
        if self._flushing():
            at = min(at, self._last_attempt + FLUSH_BACKOFF_CAP)
        return max(at, self._honour_until)

    def _next_due(self, now: float) -> Optional[float]:
        due: List[float] = []
        may = self._may_send_at()
        if self._retry or self.lifecycle:
            due.append(may)
        if self.progress:
            due.append(may if self._flushing() else max(may, self._last_progress_send + self.send_interval))
        for job in list(self.jobs.values()):
            beat = job._heartbeat_due()
            if beat != float("inf"):
                due.append(beat)
        if not due:
            return None
        return max(0.0, min(due) - now)

    def _notify_waiters(self) -> None:
        if self.pending() == 0:
            for done, _ in list(self._waiters):
                done.set()

    def _drop_everything(self) -> None:
        self.lifecycle.clear()
        self.progress.clear()
        self._retry.clear()
        self.jobs.clear()  # no heartbeats either: nothing wakes this thread again

    def _heartbeats(self, wall: float, now: float) -> None:
        for job in list(self.jobs.values()):
            if job._heartbeat_due() <= now:
                job._heartbeat(wall)

    def _cycle(self) -> None:
        now = time.monotonic()
        if self.disabled:
            self._drop_everything()
            self._notify_waiters()
            return
        self._heartbeats(time.time(), now)
        if now < self._may_send_at():
            self._notify_waiters()
            return
        progress_due = self._flushing() or now >= self._last_progress_send + self.send_interval
        while not self._stop:
            batch, sources = self._take(progress_due)
            if not batch:
                break
            self._send(batch, sources)
            if self._may_send_at() > time.monotonic() or self.disabled:
                break
            progress_due = self._flushing() or bool(self.lifecycle)
        self._notify_waiters()

    def _take(self, with_progress: bool) -> Tuple[List[Dict[str, Any]], List[Optional[Progress]]]:
        """Up to one batch: events to resend first, then STARTED/final events, then progress."""
        batch: List[Dict[str, Any]] = []
        sources: List[Optional[Progress]] = []
        # _in_flight counts each event before it leaves its queue: the bound of put_lifecycle
        # never undercounts.
        while self._retry and len(batch) < self._batch_max:
            self._in_flight = len(batch) + 1
            batch.append(self._retry.pop(0))
            sources.append(None)
        while self.lifecycle and len(batch) < self._batch_max:
            self._in_flight = len(batch) + 1
            batch.append(self.lifecycle.popleft())
            sources.append(None)
        if with_progress or batch:
            # Cleared before the dict is read: a report stored after this line wakes us again.
            self.progress_wake = False
            for rid in list(self.progress):
                if len(batch) >= self._batch_max:
                    self.progress_wake = True
                    break
                self._in_flight = len(batch) + 1
                item = self.progress.pop(rid, None)
                if item is None:
                    continue
                e = item[0]._progress_event(item)
                if e is not None:
                    batch.append(e)
                    sources.append(item)
            self._last_progress_send = time.monotonic()
        self._in_flight = len(batch)
        # In time order, as the events happened (the server orders by time anyway; a reader of
        # the requests sees a job's progress before its end).
        order = sorted(range(len(batch)), key=lambda i: (batch[i]["event_time"], batch[i]["seq"]))
        return [batch[i] for i in order], [sources[i] for i in order]

    def _timeout(self) -> float:
        t = self.request_timeout
        now = time.monotonic()
        for _, deadline in list(self._waiters):
            t = min(t, max(deadline - now, 0.05))
        return t

    def _send(self, batch: List[Dict[str, Any]], sources: List[Optional[Progress]]) -> None:
        self._last_attempt = time.monotonic()
        try:
            out = _transport.post(self.url, self.cfg.token, batch, self._timeout())
        except Exception as e:  # never let one odd answer stop the thread
            out = _transport.Outcome(_transport.RETRY, retry=list(range(len(batch))),
                                     problem=f"request failed ({e!r:.200})", problem_kind="internal_send")
        try:
            self._outcome(out, batch, sources)
        finally:
            self._in_flight = 0

    def _outcome(self, out: _transport.Outcome, batch: List[Dict[str, Any]], sources: List[Optional[Progress]]) -> None:
        for r in out.refused:
            field, reason = str(r.get("field", "")), str(r.get("reason", ""))
            _problems.once("refused:" + field, "the API refused an event of job %s (%s: %s); events like it are "
                           "dropped (told once)", r.get("request_id", "?"), field or "body", reason)
        if out.kind == _transport.DONE:
            self.sent += len(batch)
            self._attempt = 0
            self._retry_at = self._honour_until = 0.0
            return
        if out.kind == _transport.UNAUTHORIZED:
            self.disabled = True
            self._drop_everything()
            _problems.once("unauthorized", "the API refused the reporting token (401 %s): unknown or revoked; "
                           "this process stops reporting, the training runs as usual", out.problem)
            return
        if out.kind == _transport.DROPPED:
            _problems.once(out.problem_kind, "%s for %s: those events are dropped (told once)", out.problem, self.url)
            return
        if out.kind == _transport.TOO_LARGE:
            if len(batch) > 1:
                self._batch_max = max(1, len(batch) // 2)
                self._requeue(list(range(len(batch))), batch, sources)
            else:
                _problems.once("http_413", "the API refused an event as too large (413): dropped")
            return
        # RETRY: resend only what the answer says was not taken.
        self.sent += len(batch) - len(out.retry)
        _problems.once(out.problem_kind, "%s; retrying with backoff, the training is not affected (told once)",
                       out.problem)
        self._requeue(out.retry, batch, sources)
        self._attempt += 1
        backoff = min(BACKOFF_CAP, BACKOFF_BASE * (2 ** min(self._attempt - 1, 16)))
        now = time.monotonic()
        # Jitter: reporters that failed together spread out instead of coming back together.
        self._retry_at = now + random.uniform(backoff / 2, backoff)
        self._honour_until = 0.0
        if out.retry_after is not None:
            self._honour_until = now + out.retry_after + random.uniform(0, min(1.0, out.retry_after / 10))
            self._retry_at = max(self._retry_at, self._honour_until)

    def _requeue(self, indexes: List[int], batch: List[Dict[str, Any]], sources: List[Optional[Progress]]) -> None:
        again: List[Dict[str, Any]] = []
        for i in sorted(set(indexes)):
            src = sources[i]
            if src is None:
                again.append(batch[i])
            else:
                # Progress: a newer report of the same job, if any, wins over the one to resend.
                self.progress.setdefault(src[0]._rid, src)
        self._retry[:0] = again
