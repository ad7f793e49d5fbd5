"""The process around the jobs: one reporter per endpoint and token, the rank that reports, and
the process's exits: atexit (flush with a deadline; an open job is FAILED), an uncaught exception
(FAILED with its traceback), SIGTERM (FAILED "terminated by SIGTERM", then the previous handler or
the default death), and fork (a child's copy never sends)."""

from __future__ import annotations

import atexit
import os
import signal
import sys
import threading
import time
from types import FrameType, TracebackType
from typing import Any, Callable, Dict, List, Optional, Tuple, Type

from . import _problems
from ._config import Config
from ._reporter import Reporter

_reporters: Dict[Tuple[str, str], Reporter] = {}
_lock = threading.Lock()  # creation of reporters and installation of hooks only
_pid = os.getpid()
_hooks_installed = False
_sigterm_installed = False
_previous_sigterm: Any = None
_previous_excepthook: Optional[Callable[..., Any]] = None

DEFAULT_EXIT_TIMEOUT = 5.0
SIGTERM_ERROR = "terminated by SIGTERM"
EXIT_ERROR = "the process exited before the job ended"


def reporting_rank() -> bool:
    """Whether this process reports under torchrun/DDP: global RANK 0, else LOCAL_RANK 0, else
    (neither set) yes."""
    for var in ("RANK", "LOCAL_RANK"):
        v = os.environ.get(var, "").strip()
        if v:
            try:
                return int(v) == 0
            except ValueError:
                return True
    return True


def forked_child() -> bool:
    """Whether this process is a fork of one that imported trainstatus (it never reports)."""
    return _pid != os.getpid()


def reporter(cfg: Config, *, send_interval: Optional[float], exit_timeout: Optional[float]) -> Reporter:
    """The reporter for cfg, started on first use. Of several jobs' settings, the shortest send
    interval and the longest exit deadline win."""
    with _lock:
        key = (cfg.events_url, cfg.token)
        r = _reporters.get(key)
        if r is None or r.dead:
            kw: Dict[str, float] = {}
            if send_interval is not None:
                kw["send_interval"] = send_interval
            kw["exit_timeout"] = DEFAULT_EXIT_TIMEOUT if exit_timeout is None else exit_timeout
            r = Reporter(cfg, **kw)
            _reporters[key] = r
        else:
            if send_interval is not None:
                r.send_interval = min(r.send_interval, send_interval)
            if exit_timeout is not None:
                r.exit_timeout = max(r.exit_timeout, exit_timeout)
        return r


def all_reporters() -> List[Reporter]:
    return [r for r in list(_reporters.values()) if not r.dead]


def flush(timeout: Optional[float] = None) -> bool:
    """Waits until every event queued so far is delivered, or the deadline; True when delivered."""
    rs = all_reporters()
    if not rs:
        return True
    if timeout is None:
        timeout = max(r.exit_timeout for r in rs)
    deadline = time.monotonic() + timeout
    ok = True
    for r in rs:
        ok = r.flush(deadline - time.monotonic()) and ok
    return ok


def _end_open_jobs(error: Any, *, sigterm: bool = False) -> None:
    for r in all_reporters():
        for job in list(r.jobs.values()):
            if sigterm and not job._fail_on_sigterm:
                continue
            job._end_failed(error)


def _flush_at_exit(why: str) -> None:
    rs = all_reporters()
    if not rs:
        return
    ok = flush()
    if not ok:
        left = sum(r.pending() for r in rs)
        _problems.once("exit_deadline", "%d event(s) not delivered by the %g s deadline at %s; the job may "
                       "show stalled instead of its final status", left, max(r.exit_timeout for r in rs), why)


def _at_exit() -> None:
    if os.getpid() != _pid:
        return
    try:
        _end_open_jobs(EXIT_ERROR)
        _flush_at_exit("exit")
    except Exception:
        pass


def _excepthook(exc_type: Type[BaseException], exc: BaseException, tb: Optional[TracebackType]) -> None:
    try:
        if os.getpid() == _pid:
            _end_open_jobs(exc)
    except Exception:
        pass
    prev = _previous_excepthook or sys.__excepthook__
    prev(exc_type, exc, tb)


def _on_sigterm(signum: int, frame: Optional[FrameType]) -> None:
    if os.getpid() == _pid:
        try:
            _end_open_jobs(SIGTERM_ERROR, sigterm=True)
            _flush_at_exit("SIGTERM")
        except Exception:
            pass
    prev = _previous_sigterm
    if callable(prev):
        prev(signum, frame)
        return
    # The default disposition: die of the signal, as the process would have without us (the exit
    # status says SIGTERM; atexit handlers do not run, as they would not have).
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def _after_fork_in_child() -> None:
    # The child's copies never send: the sender thread does not exist here, and the parent owns
    # the jobs. Nothing to unlock: the callers' side holds no lock.
    global _pid
    for r in list(_reporters.values()):
        r.dead = True
    _pid = -1  # never equal to a pid: atexit, excepthook and SIGTERM do nothing here


def install_hooks() -> None:
    """Installs atexit, sys.excepthook and (from the main thread, unless SIGTERM is ignored) the
    SIGTERM handler, once per process."""
    global _hooks_installed, _sigterm_installed, _previous_excepthook, _previous_sigterm
    with _lock:
        if os.getpid() != _pid:
            return
        if not _hooks_installed:
            _hooks_installed = True
            atexit.register(_at_exit)
            _previous_excepthook = sys.excepthook
            sys.excepthook = _excepthook
        # signal.signal works only in the main thread: a job started elsewhere leaves it to the next.
        if not _sigterm_installed and threading.current_thread() is threading.main_thread():
            _sigterm_installed = True
            try:
                prev = signal.getsignal(signal.SIGTERM)
                if prev is not signal.SIG_IGN:
                    _previous_sigterm = prev
                    signal.signal(signal.SIGTERM, _on_sigterm)
            except (ValueError, OSError):
                pass


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def reset() -> None:
    """Closes every reporter (tests)."""
    with _lock:
        rs = list(_reporters.values())
        _reporters.clear()
    for r in rs:
        r.close()
