"""A training job as a training script sees it: `trainstatus.job(name)` opens it (STARTED),
`progress` reports, leaving the `with` block ends it (SUCCESS, or FAILED with the exception). No
method ever raises into the training or waits for the network."""

from __future__ import annotations

import itertools
import os
import time
import traceback
from types import TracebackType
from typing import Any, Dict, Optional, Type

from . import _config, _event, _problems, _runtime
from ._reporter import Progress, Reporter

DEFAULT_HEARTBEAT = 60.0
_NEVER = float("inf")


def describe_exception(exc: BaseException) -> str:
    """The error of a FAILED event: the exception's type and message, then as many of the
    traceback's last lines as fit in the format's 4096 bytes."""
    t = type(exc)
    name = t.__qualname__ if t.__module__ in ("builtins", "__main__") else f"{t.__module__}.{t.__qualname__}"
    text = str(exc)
    head, _ = _event.cut_utf8(f"{name}: {text}" if text else name, _event.MESSAGE_MAX_BYTES)
    lines = "".join(traceback.format_tb(exc.__traceback__)).rstrip("\n").split("\n") if exc.__traceback__ else []
    budget = _event.ERROR_MAX_BYTES - len(head.encode("utf-8")) - 80
    kept: list = []
    for line in reversed(lines):
        size = len(line.encode("utf-8")) + 1
        if size > budget:
            break
        kept.append(line)
        budget -= size
    kept.reverse()
    if not kept:
        return _event.clean_text(head, _event.ERROR_MAX_BYTES)[0]
    title = "Traceback (most recent call last):" if len(kept) == len(lines) else \
        f"Traceback (last {len(kept)} of {len(lines)} lines, most recent call last):"
    return _event.clean_text(head + "\n" + title + "\n" + "\n".join(kept), _event.ERROR_MAX_BYTES)[0]


class Job:
    """One training run's job. Use `trainstatus.job(...)`; see its documentation."""

    def __init__(self, name: str, job_id: Optional[str] = None, *, stall_after_seconds: Optional[int] = None,
                 heartbeat_seconds: float = DEFAULT_HEARTBEAT, api_url: Optional[str] = None,
                 token: Optional[str] = None, flush_timeout: Optional[float] = None,
                 send_interval: Optional[float] = None, all_ranks: bool = False,
                 fail_on_sigterm: bool = True) -> None:
        self._reporter: Optional[Reporter] = None
        self._closed = False
        self._started = False
        self._seq = itertools.count()
        self._pct: Any = None
        self._msg: Any = None
        self._last_t = 0.0  # monotonic time of the last event, for heartbeats
        try:
            self._name, changed = _event.clean_name(name)
            if changed:
                _problems.once("name", "the job name was changed to fit the format (no control characters, "
                               "at most %d bytes): %r", _event.NAME_MAX_BYTES, self._name)
            self._rid = self._choose_id(job_id) or _event.new_request_id(self._name)
            self._stall, changed = _event.clean_stall(stall_after_seconds)
            if changed:
                _problems.once("stall", "stall_after_seconds must be an integer from %d to %d: using %s",
                               _event.STALL_MIN_SECONDS, _event.STALL_MAX_SECONDS, self._stall)
            self._heartbeat_every = float(heartbeat_seconds) if heartbeat_seconds and heartbeat_seconds > 0 else _NEVER
            self._api_url, self._token = api_url, token
            self._flush_timeout, self._send_interval = flush_timeout, send_interval
            self._all_ranks, self._fail_on_sigterm = all_ranks, fail_on_sigterm
        except Exception as e:  # never raise into the training, even for odd arguments
            _problems.once("internal_job", "cannot set up the job (%r): this run is not reported", e)
            self._name, self._rid, self._closed = "job", _event.new_request_id("job"), True
            self._stall, self._heartbeat_every, self._fail_on_sigterm = None, _NEVER, False

    @staticmethod
    def _choose_id(job_id: Optional[str]) -> str:
        given = job_id if job_id is not None else os.environ.get(_config.ENV_JOB_ID, "").strip() or None
        if given is None:
            return ""  # a new job
        if _event.valid_request_id(given):
            return given
        _problems.once("job_id", "job id %r is not a valid request id (1-128 of A-Za-z0-9._:-): this run "
                       "is reported as a new job instead", given)
        return ""

    # ---- what a training script calls ----

    @property
    def id(self) -> str:
        """The job's request id: continue this job from another run with job_id=<id> or
        TRAINSTATUS_JOB_ID=<id>."""
        return self._rid

    @property
    def name(self) -> str:
        return self._name

    @property
    def reporting(self) -> bool:
        """Whether this process reports the job (a token, rank 0, not a forked child)."""
        r = self._reporter
        return r is not None and not r.dead and not r.disabled

    def start(self) -> "Job":
        """Opens the job (STARTED). `with trainstatus.job(...)` calls it."""
        if self._started or self._closed:
            return self
        self._started = True
        try:
            if _runtime.forked_child():
                return self  # the parent reports; a forked child (a DataLoader worker) never sends
            if not self._all_ranks and not _runtime.reporting_rank():
                _problems.log.debug("trainstatus: rank %s does not report (all_ranks=False)",
                                    os.environ.get("RANK", os.environ.get("LOCAL_RANK")))
                return self
            cfg = _config.resolve(self._api_url, self._token)
            if cfg is None:
                return self
            r = _runtime.reporter(cfg, send_interval=self._send_interval, exit_timeout=self._flush_timeout)
            if r.dead:
                return self
            self._reporter = r
            _runtime.install_hooks()
            r.jobs[self._rid] = self
            self._emit(_event.STARTED)
            _problems.log.info("trainstatus: reporting %r as job %s to %s", self._name, self._rid, cfg.api_url)
        except Exception as e:
            _problems.once("internal_job", "cannot start the job (%r): this run is not reported", e)
            self._reporter = None
        return self

    def progress(self, pct: Any, message: Optional[str] = None) -> None:
        """Reports progress (0-100) and an optional message; returns at once. Reports are
        coalesced: the latest one is sent (at most every second), earlier unsent ones are not."""
        r = self._reporter
        if r is None or self._closed or r.dead:
            return
        try:
            if message is None:
                message = self._msg
            else:
                self._msg = message
            self._pct = pct
            t = time.time()
            self._last_t = time.monotonic()
            r.progress[self._rid] = (self, t, next(self._seq), pct, message)
            if not r.progress_wake:
                r.progress_wake = True
                r.wake()
        except Exception as e:
            _problems.once("internal_progress", "cannot queue a progress report (%r)", e)

    def succeed(self, message: Optional[str] = None) -> None:
        """Ends the job: SUCCESS at 100%."""
        if message is not None:
            self._msg = message
        self._end(_event.SUCCESS, None, progress=100.0)

    def fail(self, error: Any = None, message: Optional[str] = None) -> None:
        """Ends the job: FAILED with error (an exception: its type, message and traceback's last
        lines; or a text)."""
        if message is not None:
            self._msg = message
        self._end_failed(error)

    def __enter__(self) -> "Job":
        return self.start()

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> bool:
        if exc is None:
            self.succeed()
        elif isinstance(exc, SystemExit) and exc.code in (None, 0):
            self.succeed()
        elif isinstance(exc, SystemExit):
            self._end_failed(f"exited with status {exc.code}")
        else:
            self._end_failed(exc)
        return False

    # ---- inside ----

    def _end_failed(self, error: Any) -> None:
        try:
            if isinstance(error, BaseException):
                text = describe_exception(error)
            else:
                text = _event.clean_text(error if error is not None else "failed", _event.ERROR_MAX_BYTES)[0]
        except Exception:
            text = "failed"
        self._end(_event.FAILED, text)

    def _end(self, status: str, error: Optional[str], progress: Optional[float] = None) -> None:
        if self._closed:
            return
        self._closed = True
        r = self._reporter
        if r is None or r.dead:
            return
        try:
            r.jobs.pop(self._rid, None)
            if progress is None and self._pct is not None:
                try:
                    progress = _event.clean_progress(self._pct)[0]
                except _event.BadProgress:
                    progress = None
            self._emit(status, progress=progress, error=error)
        except Exception as e:
            _problems.once("internal_end", "cannot queue the job's final status (%r)", e)

    def _emit(self, status: str, *, progress: Optional[float] = None, error: Optional[str] = None) -> None:
        r = self._reporter
        if r is None:
            return
        msg = None
        if self._msg is not None and status != _event.STARTED:
            msg = self._clean_message(self._msg)
        self._last_t = time.monotonic()
        r.put_lifecycle(_event.event(self._rid, status, time.time(), next(self._seq), name=self._name,
                                     progress=progress, message=msg, error=error,
                                     stall_after_seconds=self._stall))

    @staticmethod
    def _clean_message(m: Any) -> str:
        text, changed = _event.clean_text(m, _event.MESSAGE_MAX_BYTES)
        if changed:
            _problems.once("message", "a message was changed to fit the format (no control characters but "
                           "tab and newline, at most %d bytes)", _event.MESSAGE_MAX_BYTES)
        return text

    def _progress_event(self, item: Progress) -> Optional[Dict[str, Any]]:
        """The sender's view of a queued report: the event, or None when its value is dropped."""
        _, t, seq, pct, message = item
        try:
            value, clamped = _event.clean_progress(pct)
        except _event.BadProgress as e:
            _problems.once("progress_value", "progress must be a number from 0 to 100, not %s: such reports "
                           "are dropped (told once)", e)
            return None
        if clamped:
            _problems.once("progress_range", "progress %r is outside 0..100: sent as %g (told once)", pct, value)
        return _event.event(self._rid, _event.IN_PROGRESS, t, seq, name=self._name, progress=value,
                            message=self._clean_message(message) if message is not None else None,
                            stall_after_seconds=self._stall)

    def _heartbeat_due(self) -> float:
        return self._last_t + self._heartbeat_every

    def _heartbeat(self, wall: float) -> None:
        """Queued by the sender when the job said nothing for heartbeat_seconds: IN_PROGRESS
        repeating the last progress and message, so that the job is not called stalled."""
        r = self._reporter
        self._last_t = time.monotonic()  # also when nothing is queued: the next beat is due later
        if r is None or self._closed:
            return
        pct = self._pct if self._pct is not None else 0
        # Replaces a report still waiting (the endpoint down): same values, the time of now, so
        # that when it gets through it says the job was alive until now.
        r.progress[self._rid] = (self, wall, next(self._seq), pct, self._msg)
